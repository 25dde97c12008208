from django.urls import path

from passerelles.actors.views import networks as views

urlpatterns = [
    path("", views.networks, name="networks"),
    path("export/", views.networks_export, name="networks_export"),
    path("nouveau/", views.network_create, name="network_create"),
    path("<int:pk>/", views.network_detail, name="network"),
    path("<int:pk>/modifier/", views.network_edit, name="network_edit"),
    path("<int:pk>/supprimer/", views.network_delete, name="network_delete"),
    path("<int:pk>/notes/", views.network_scores, name="network_scores"),
    path("criteres/", views.network_criteria, name="network_criteria"),
    path("criteres/export/", views.network_criteria_export, name="network_criteria_export"),
    path("criteres/nouveau/", views.network_criterion_create, name="network_criterion_create"),
    path("criteres/<int:pk>/modifier/", views.network_criterion_edit, name="network_criterion_edit"),
    path("criteres/<int:pk>/supprimer/", views.network_criterion_delete, name="network_criterion_delete"),
]
