from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "igor.stats"
    label = "stats"
    verbose_name = "Statistics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from igor.stats import summaries

        summaries.connect_signals()
