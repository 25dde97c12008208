from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "passerelles.core"
    label = "core"
    verbose_name = _("Socle")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from passerelles.core.middleware import start_activity_clock

        user_logged_in.connect(start_activity_clock, dispatch_uid="core.start_activity_clock")
