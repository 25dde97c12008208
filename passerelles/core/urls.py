from django.urls import path

from passerelles.core import views

app_name = "core"

# Top-level words taken by the platform: an organisation cannot use them as its slug.
RESERVED_SLUGS = frozenset({"comptes", "langue", "static", "media", "api", "public", "admin", "organisations"})

urlpatterns = [
    path("", views.home, name="home"),
    path("comptes/connexion/", views.login_view, name="login"),
    path("comptes/deconnexion/", views.logout_view, name="logout"),
    path("comptes/mot-de-passe/", views.password_reset, name="password_reset"),
    path("comptes/mot-de-passe/envoye/", views.password_reset_done, name="password_reset_done"),
    path("comptes/mot-de-passe/termine/", views.password_reset_complete, name="password_reset_complete"),
    path("comptes/mot-de-passe/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("langue/", views.set_language, name="set_language"),
    # Back-office pages live under /<org_slug>/: the middleware resolves the organisation and membership.
    path("<slug:org_slug>/", views.organisation_home, name="organisation_home"),
    path("<slug:org_slug>/organisation/", views.organisation_detail, name="organisation"),
    path("<slug:org_slug>/organisation/modifier/", views.organisation_edit, name="organisation_edit"),
    path("<slug:org_slug>/organisation/directions/nouvelle/", views.directorate_edit, name="directorate_create"),
    path("<slug:org_slug>/organisation/directions/<int:pk>/", views.directorate_edit, name="directorate_edit"),
    path("<slug:org_slug>/journal/", views.journal, name="journal"),
    path("<slug:org_slug>/journal/<slug:model_key>/<int:pk>/", views.object_history, name="object_history"),
    path("<slug:org_slug>/membres/", views.member_list, name="members"),
    path("<slug:org_slug>/membres/inviter/", views.member_invite, name="member_invite"),
    path("<slug:org_slug>/membres/<int:pk>/", views.member_edit, name="member_edit"),
    path("<slug:org_slug>/membres/<int:pk>/deverrouiller/", views.member_unlock, name="member_unlock"),
]
