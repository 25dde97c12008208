from django.urls import path

from passerelles.actors.views import census as views

urlpatterns = [
    path("", views.campaigns, name="census_campaigns"),
    path("export/", views.campaigns_export, name="census_campaigns_export"),
    path("nouvelle/", views.campaign_create, name="census_campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="census_campaign"),
    path("<int:pk>/modifier/", views.campaign_edit, name="census_campaign_edit"),
    path("<int:pk>/clore/", views.campaign_close, name="census_campaign_close"),
    path("<int:pk>/rouvrir/", views.campaign_reopen, name="census_campaign_reopen"),
    path("<int:pk>/communes/", views.add_home_communes, name="census_add_home_communes"),
    path("<int:pk>/directions/", views.add_directorates, name="census_add_directorates"),
    path("<int:pk>/export/", views.findings_export, name="census_findings_export"),
    path("<int:pk>/reunions/nouvelle/", views.meeting_create, name="census_meeting_create"),
    path("reunions/<int:pk>/", views.meeting_detail, name="census_meeting"),
    path("reunions/<int:pk>/modifier/", views.meeting_edit, name="census_meeting_edit"),
    path("reunions/<int:pk>/supprimer/", views.meeting_delete, name="census_meeting_delete"),
    path("reunions/<int:pk>/acteur-connu/", views.finding_add_known, name="census_finding_add_known"),
    path("reunions/<int:pk>/nouvel-acteur/", views.finding_add_new, name="census_finding_add_new"),
    path("acteurs-recenses/<int:pk>/retirer/", views.finding_remove, name="census_finding_remove"),
]
