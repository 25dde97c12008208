from django.urls import path

from passerelles.actors import import_views

urlpatterns = [
    path("", import_views.import_upload, name="import"),
    path("modele.csv", import_views.import_template, name="import_template"),
    path("rapport/", import_views.import_report, name="import_report"),
    path("rapport/export/", import_views.import_report_export, name="import_report_export"),
    path("confirmer/", import_views.import_confirm, name="import_confirm"),
]
