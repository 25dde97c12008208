from django.urls import path

from passerelles.actors import networks_views

urlpatterns = [
    path("", networks_views.networks, name="networks"),
    path("export/", networks_views.networks_export, name="networks_export"),
    path("nouveau/", networks_views.network_create, name="network_create"),
    path("<int:pk>/", networks_views.network_detail, name="network"),
    path("<int:pk>/modifier/", networks_views.network_edit, name="network_edit"),
    path("<int:pk>/supprimer/", networks_views.network_delete, name="network_delete"),
    path("<int:pk>/notes/", networks_views.network_scores, name="network_scores"),
    path("criteres/", networks_views.network_criteria, name="network_criteria"),
    path("criteres/export/", networks_views.network_criteria_export, name="network_criteria_export"),
    path("criteres/nouveau/", networks_views.network_criterion_create, name="network_criterion_create"),
    path("criteres/<int:pk>/modifier/", networks_views.network_criterion_edit, name="network_criterion_edit"),
    path("criteres/<int:pk>/supprimer/", networks_views.network_criterion_delete, name="network_criterion_delete"),
]
