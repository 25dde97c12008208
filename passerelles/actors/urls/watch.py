"""The watch on networks (P3.8): `urlpatterns` at `<org>/acteurs/veille/` in the `actors` namespace (back office),
`public_urlpatterns` at `public/veille/` in the `watch_public` namespace (see `urls.public`)."""

from django.urls import path

from passerelles.actors.views import watch as views

urlpatterns = [
    path("", views.items, name="watch"),
    path("export/", views.items_export, name="watch_export"),
    path("nouvelle/", views.item_create, name="watch_item_create"),
    path("<int:pk>/modifier/", views.item_edit, name="watch_item_edit"),
    path("<int:pk>/supprimer/", views.item_delete, name="watch_item_delete"),
    path("abonnements/", views.subscriptions, name="watch_subscriptions"),
    path("abonnements/export/", views.subscriptions_export, name="watch_subscriptions_export"),
    path("abonnements/nouveau/", views.subscription_create, name="watch_subscription_create"),
    path("abonnements/<int:pk>/modifier/", views.subscription_edit, name="watch_subscription_edit"),
    path("abonnements/<int:pk>/activer/", views.subscription_toggle, name="watch_subscription_toggle"),
    path("abonnements/<int:pk>/apercu/", views.subscription_preview, name="watch_subscription_preview"),
]

public_urlpatterns = [
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
