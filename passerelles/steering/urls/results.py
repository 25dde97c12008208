"""Results framework of a project, values workflow and the indicator performance table."""

from django.urls import path

from passerelles.steering.views import results as views

P = "projets/<int:project_pk>/"

urlpatterns = [
    path("projets/<int:pk>/resultats/", views.project_results, name="project_results"),
    path(f"{P}resultats/nouveau/", views.result_create, name="result_create"),
    path(f"{P}resultats/<int:pk>/modifier/", views.result_edit, name="result_edit"),
    path(f"{P}resultats/<int:pk>/supprimer/", views.result_delete, name="result_delete"),
    path(f"{P}resultats/<int:result_pk>/indicateurs/nouveau/", views.indicator_create, name="indicator_create"),
    path(f"{P}indicateurs/<int:pk>/modifier/", views.indicator_edit, name="indicator_edit"),
    path(f"{P}indicateurs/<int:pk>/supprimer/", views.indicator_delete, name="indicator_delete"),
    path(f"{P}indicateurs/<int:indicator_pk>/periodes/nouvelle/", views.period_create, name="period_create"),
    path(
        f"{P}indicateurs/<int:indicator_pk>/ventilations/nouvelle/",
        views.disaggregation_create,
        name="disaggregation_create",
    ),
    path(f"{P}ventilations/<int:pk>/modifier/", views.disaggregation_edit, name="disaggregation_edit"),
    path(f"{P}ventilations/<int:pk>/supprimer/", views.disaggregation_delete, name="disaggregation_delete"),
    path(f"{P}periodes/<int:pk>/modifier/", views.period_edit, name="period_edit"),
    path(f"{P}periodes/<int:pk>/supprimer/", views.period_delete, name="period_delete"),
    path(f"{P}periodes/<int:pk>/valeurs/", views.period_values, name="period_values"),
    path(f"{P}periodes/<int:pk>/soumettre/", views.period_submit, name="period_submit"),
    path(f"{P}periodes/<int:pk>/approuver/", views.period_approve, name="period_approve"),
    path(f"{P}periodes/<int:pk>/renvoyer/", views.period_return, name="period_return"),
    path(f"{P}periodes/<int:pk>/justificatifs/", views.period_evidence_create, name="period_evidence_create"),
    path(f"{P}justificatifs/<int:pk>/telecharger/", views.period_evidence_download, name="period_evidence_download"),
    path("performance/", views.performance, name="performance"),
    path("performance/export/", views.performance_export, name="performance_export"),
]
