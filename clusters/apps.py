from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = _("Cluster knowledge base")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clusters import signals

        signals.connect()
