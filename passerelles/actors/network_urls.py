from django.urls import path

from passerelles.actors import network_views

urlpatterns = [
    path("qui-fait-quoi/", network_views.matrix, name="matrix"),
    path("qui-fait-quoi/export/", network_views.matrix_export, name="matrix_export"),
    path("doublons/", network_views.duplicates, name="duplicates"),
    path("doublons/export/", network_views.duplicates_export, name="duplicates_export"),
    path("doublons/<int:first>/<int:second>/fusionner/", network_views.merge, name="merge"),
]
