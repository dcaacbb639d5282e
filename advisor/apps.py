from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisorConfig(AppConfig):
    name = "advisor"
    verbose_name = _("China Entry Advisor")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the start-up checks for WeasyPrint's HarfBuzz subsetter and CJK fonts.
        from advisor import checks  # noqa: F401
