"""Programmes, annual plans and projects (included in the `steering` namespace)."""

from django.urls import path

from passerelles.steering.views import projects as views

urlpatterns = [
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/export/", views.programme_export, name="programmes_export"),
    path("programmes/nouveau/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/modifier/", views.programme_edit, name="programme_edit"),
    path("plans-annuels/", views.annual_plan_list, name="annual_plans"),
    path("plans-annuels/export/", views.annual_plans_export, name="annual_plans_export"),
    path("plans-annuels/nouveau/", views.annual_plan_create, name="annual_plan_create"),
    path("plans-annuels/<int:pk>/", views.annual_plan_detail, name="annual_plan"),
    path("plans-annuels/<int:pk>/export/", views.annual_plan_export, name="annual_plan_export"),
    path("plans-annuels/<int:pk>/elements/nouveau/", views.annual_plan_item_create, name="annual_plan_item_create"),
    path(
        "plans-annuels/<int:pk>/elements/<int:item_pk>/modifier/",
        views.annual_plan_item_edit,
        name="annual_plan_item_edit",
    ),
    path("plans-annuels/<int:pk>/reporter/", views.annual_plan_carry_over, name="annual_plan_carry_over"),
    path("projets/", views.project_list, name="projects"),
    path("projets/export/", views.project_export, name="projects_export"),
    path("projets/nouveau/", views.project_create, name="project_create"),
    path("projets/<int:pk>/", views.project_detail, name="project"),
    path("projets/<int:pk>/modifier/", views.project_edit, name="project_edit"),
    path("projets/<int:pk>/participants/nouveau/", views.participant_create, name="project_participant_create"),
    path(
        "projets/<int:pk>/participants/<int:participant_pk>/supprimer/",
        views.participant_delete,
        name="project_participant_delete",
    ),
    path("projets/<int:pk>/directions/nouvelle/", views.project_directorate_create, name="project_directorate_create"),
    path(
        "projets/<int:pk>/directions/<int:link_pk>/supprimer/",
        views.project_directorate_delete,
        name="project_directorate_delete",
    ),
    path("projets/<int:pk>/secteurs/", views.project_sectors, name="project_sectors"),
    path("projets/<int:pk>/documents/nouveau/", views.project_document_create, name="project_document_create"),
    path(
        "projets/<int:pk>/documents/<int:document_pk>/",
        views.project_document_download,
        name="project_document_download",
    ),
    path(
        "projets/<int:pk>/documents/<int:document_pk>/supprimer/",
        views.project_document_delete,
        name="project_document_delete",
    ),
]
