"""The calls and their rules: `backoffice` (namespace `calls`), and the public pages (`public`, namespace
`public_calls`, no login)."""

from django.urls import path

from passerelles.calls.views import calls as views

backoffice = [
    path("", views.calls, name="calls"),
    path("export/", views.calls_export, name="calls_export"),
    path("nouveau/", views.call_create, name="call_create"),
    path("<int:pk>/", views.call_detail, name="call"),
    path("<int:pk>/modifier/", views.call_edit, name="call_edit"),
    path("<int:pk>/publier/", views.call_publish, name="call_publish"),
    path("<int:pk>/clore/", views.call_close, name="call_close"),
    path("<int:pk>/rouvrir/", views.call_reopen, name="call_reopen"),
    path("<int:pk>/questions/nouvelle/", views.question_create, name="question_create"),
    path("questions/<int:pk>/modifier/", views.question_edit, name="question_edit"),
    path("questions/<int:pk>/supprimer/", views.question_delete, name="question_delete"),
    path("questions/<int:pk>/deplacer/", views.question_move, name="question_move"),
    path("<int:pk>/pieces/nouvelle/", views.document_create, name="document_create"),
    path("pieces/<int:pk>/modifier/", views.document_edit, name="document_edit"),
    path("pieces/<int:pk>/supprimer/", views.document_delete, name="document_delete"),
    path("<int:pk>/criteres/nouveau/", views.criterion_create, name="criterion_create"),
    path("criteres/<int:pk>/modifier/", views.criterion_edit, name="criterion_edit"),
    path("criteres/<int:pk>/supprimer/", views.criterion_delete, name="criterion_delete"),
    path("<int:pk>/indicateurs/nouveau/", views.indicator_create, name="indicator_create"),
    path("indicateurs/<int:pk>/modifier/", views.indicator_edit, name="indicator_edit"),
    path("indicateurs/<int:pk>/supprimer/", views.indicator_delete, name="indicator_delete"),
]

public = [
    path("", views.public_calls, name="calls"),
    path("<int:pk>/", views.public_call_detail, name="call"),
    path("<int:pk>/candidater/", views.public_apply, name="apply"),
]
