from django.urls import path

from passerelles.steering.views import monitoring as views

urlpatterns = [
    path("missions/", views.missions, name="missions"),
    path("missions/export/", views.missions_export, name="missions_export"),
    path("missions/nouvelle/", views.mission_create, name="mission_create"),
    path("missions/<int:pk>/", views.mission, name="mission"),
    path("missions/<int:pk>/modifier/", views.mission_edit, name="mission_edit"),
    path("missions/<int:pk>/suites/", views.mission_follow_up_create, name="mission_follow_up_create"),
    path("suites/<int:pk>/etat/", views.follow_up_status, name="follow_up_status"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("evaluations/export/", views.evaluations_export, name="evaluations_export"),
    path("evaluations/nouvelle/", views.evaluation_create, name="evaluation_create"),
    path("evaluations/<int:pk>/", views.evaluation, name="evaluation"),
    path("evaluations/<int:pk>/modifier/", views.evaluation_edit, name="evaluation_edit"),
    path("evaluations/<int:pk>/rapport/", views.evaluation_report, name="evaluation_report"),
    path("evaluations/<int:pk>/suites/", views.evaluation_follow_up_create, name="evaluation_follow_up_create"),
    path("enseignements/", views.lessons, name="lessons"),
    path("enseignements/export/", views.lessons_export, name="lessons_export"),
    path("enseignements/nouveau/", views.lesson_create, name="lesson_create"),
]
