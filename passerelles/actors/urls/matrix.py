from django.urls import path

from passerelles.actors import matrix_views

urlpatterns = [
    path("qui-fait-quoi/", matrix_views.matrix, name="matrix"),
    path("qui-fait-quoi/export/", matrix_views.matrix_export, name="matrix_export"),
    path("doublons/", matrix_views.duplicates, name="duplicates"),
    path("doublons/export/", matrix_views.duplicates_export, name="duplicates_export"),
    path("doublons/<int:first>/<int:second>/fusionner/", matrix_views.merge, name="merge"),
]
