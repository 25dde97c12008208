"""The reviews: `backoffice` (namespace `calls`)."""

from django.urls import path

from passerelles.calls.views import reviews as views

backoffice = [
    path("evaluations/", views.my_reviews, name="my_reviews"),
    path("evaluations/<int:pk>/", views.review, name="review"),
    path("evaluations/<int:pk>/declaration/", views.review_declare, name="review_declare"),
    path("evaluations/<int:pk>/notes/", views.review_score, name="review_score"),
    path("evaluations/<int:pk>/pieces/<int:attachment_pk>/", views.review_attachment, name="review_attachment"),
]
