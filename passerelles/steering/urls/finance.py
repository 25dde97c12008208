"""Budget and co-financing: funders, exchange rates, a project's budget, envelopes (action T4), portfolio budget."""

from django.urls import path

from passerelles.steering.views import finance as views

urlpatterns = [
    path("bailleurs/", views.funder_list, name="funders"),
    path("bailleurs/nouveau/", views.funder_create, name="funder_create"),
    path("bailleurs/<int:pk>/modifier/", views.funder_edit, name="funder_edit"),
    path("taux-de-change/", views.exchange_rate_list, name="exchange_rates"),
    path("taux-de-change/nouveau/", views.exchange_rate_create, name="exchange_rate_create"),
    path("projets/<int:pk>/budget/", views.project_budget, name="project_budget"),
    path("projets/<int:pk>/budget/lignes/nouvelle/", views.budget_line_create, name="budget_line_create"),
    path("projets/<int:pk>/budget/lignes/<int:line_pk>/modifier/", views.budget_line_edit, name="budget_line_edit"),
    path("projets/<int:pk>/budget/transactions/nouvelle/", views.transaction_create, name="transaction_create"),
    path("projets/<int:pk>/budget/en-nature/nouvelle/", views.in_kind_create, name="in_kind_create"),
    path("enveloppes/", views.envelopes, name="envelopes"),
    path("enveloppes/nouvelle/", views.envelope_create, name="envelope_create"),
    path("enveloppes/<int:pk>/modifier/", views.envelope_edit, name="envelope_edit"),
    path("budget/", views.budget, name="budget"),
    path("budget/export/", views.budget_export, name="budget_export"),
]
