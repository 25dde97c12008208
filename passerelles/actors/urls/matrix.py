from django.urls import path

from passerelles.actors.views import matrix as views

urlpatterns = [
    path("qui-fait-quoi/", views.matrix, name="matrix"),
    path("qui-fait-quoi/export/", views.matrix_export, name="matrix_export"),
    path("doublons/", views.duplicates, name="duplicates"),
    path("doublons/export/", views.duplicates_export, name="duplicates_export"),
    path("doublons/<int:first>/<int:second>/fusionner/", views.merge, name="merge"),
]
