from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clusters.history import record_loaded_state
from clusters.kbcheck import fixture_paths


class Command(BaseCommand):
    help = (
        "Load (or reload) the knowledge base from fixtures/*.yaml, in one transaction, and "
        "give every new or changed row its history record (reason: loaded from fixtures), "
        "so the admin's history can show the first edit as old -> new."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = fixture_paths(Path(settings.BASE_DIR) / "fixtures")
        if not paths:
            raise CommandError("No knowledge-base fixtures (fixtures/*.yaml) were found.")
        # One loaddata call so natural-key forward references between files resolve;
        # rows are matched by natural key, so a reload updates instead of duplicating.
        with transaction.atomic():
            call_command("loaddata", *[str(p) for p in paths], verbosity=options["verbosity"])
            written = record_loaded_state()
        if options["verbosity"] >= 1:
            self.stdout.write(f"History records written: {sum(written.values())}")
