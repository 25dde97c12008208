from django.urls import path

from passerelles.actors.views import imports as views

urlpatterns = [
    path("", views.import_upload, name="import"),
    path("modele.csv", views.import_template, name="import_template"),
    path("rapport/", views.import_report, name="import_report"),
    path("rapport/export/", views.import_report_export, name="import_report_export"),
    path("confirmer/", views.import_confirm, name="import_confirm"),
]
