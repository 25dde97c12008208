from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "passerelles.calls"
    label = "calls"
    verbose_name = _("Appels à projets")

    def ready(self):
        from passerelles.calls.selectors.reviews import own_review_rows
        from passerelles.core import registry

        registry.register_review_rows(own_review_rows)
