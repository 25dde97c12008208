from django.urls import path

from passerelles.steering.views import reviews as views

urlpatterns = [
    path("projets/<int:pk>/conformite/", views.project_reviews, name="project_reviews"),
    path("projets/<int:pk>/conformite/nouvel-examen/", views.review_create, name="project_review_create"),
    path(
        "projets/<int:pk>/conformite/adaptations/<int:assessment_pk>/realisee/",
        views.adaptation_done,
        name="adaptation_done",
    ),
    path("conformite/", views.alignment, name="alignment"),
    path("conformite/export/", views.alignment_export, name="alignment_export"),
]
