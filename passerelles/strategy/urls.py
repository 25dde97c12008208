from django.urls import path

from passerelles.strategy import views

app_name = "strategy"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("versions/", views.document_list, name="documents"),
    path("versions/<int:pk>/modifier/", views.document_edit, name="document_edit"),
    path("versions/<int:pk>/nouvelle-version/", views.document_draft, name="document_draft"),
    path("versions/<int:pk>/adopter/", views.document_adopt, name="document_adopt"),
    path("orientations/<int:pk>/", views.orientation_detail, name="orientation"),
    path("orientations/<int:pk>/modifier/", views.orientation_edit, name="orientation_edit"),
    path("plan/", views.plan, name="plan"),
    path("plan/export/", views.plan_export, name="plan_export"),
    path("matrice/", views.matrix, name="matrix"),
    path("actions/nouvelle/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/modifier/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/etat/", views.action_status, name="action_status"),
    path("actions/<int:pk>/notes/", views.action_note, name="action_note"),
    path("actions/<int:pk>/historique/", views.action_history, name="action_history"),
]
