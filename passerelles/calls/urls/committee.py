"""The selection committee: `backoffice` (namespace `calls`)."""

from django.urls import path

from passerelles.calls.views import committee as views

backoffice = [
    path("<int:pk>/comites/", views.sessions, name="sessions"),
    path("<int:pk>/comites/nouveau/", views.session_create, name="session_create"),
    path("comites/<int:pk>/", views.session, name="session"),
    path("comites/<int:pk>/decisions/<int:application_pk>/", views.session_decide, name="session_decide"),
    path("comites/<int:pk>/clore/", views.session_close, name="session_close"),
]
