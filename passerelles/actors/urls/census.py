from django.urls import path

from passerelles.actors import census_views

urlpatterns = [
    path("", census_views.campaigns, name="census_campaigns"),
    path("export/", census_views.campaigns_export, name="census_campaigns_export"),
    path("nouvelle/", census_views.campaign_create, name="census_campaign_create"),
    path("<int:pk>/", census_views.campaign_detail, name="census_campaign"),
    path("<int:pk>/modifier/", census_views.campaign_edit, name="census_campaign_edit"),
    path("<int:pk>/clore/", census_views.campaign_close, name="census_campaign_close"),
    path("<int:pk>/rouvrir/", census_views.campaign_reopen, name="census_campaign_reopen"),
    path("<int:pk>/communes/", census_views.add_home_communes, name="census_add_home_communes"),
    path("<int:pk>/directions/", census_views.add_directorates, name="census_add_directorates"),
    path("<int:pk>/export/", census_views.findings_export, name="census_findings_export"),
    path("<int:pk>/reunions/nouvelle/", census_views.meeting_create, name="census_meeting_create"),
    path("reunions/<int:pk>/", census_views.meeting_detail, name="census_meeting"),
    path("reunions/<int:pk>/modifier/", census_views.meeting_edit, name="census_meeting_edit"),
    path("reunions/<int:pk>/supprimer/", census_views.meeting_delete, name="census_meeting_delete"),
    path("reunions/<int:pk>/acteur-connu/", census_views.finding_add_known, name="census_finding_add_known"),
    path("reunions/<int:pk>/nouvel-acteur/", census_views.finding_add_new, name="census_finding_add_new"),
    path("acteurs-recenses/<int:pk>/retirer/", census_views.finding_remove, name="census_finding_remove"),
]
