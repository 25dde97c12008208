from django.urls import path

from passerelles.calls.views import instruction as views

urlpatterns = [
    path("<int:pk>/messages/", views.applicant_messages, name="messages"),
]
