from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "passerelles.strategy"
    label = "strategy"
    verbose_name = _("Stratégie")

    def ready(self):
        from passerelles.core import registry
        from passerelles.strategy.exports import plan_table

        registry.register_command_export("plan", plan_table)
