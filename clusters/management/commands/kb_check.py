from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clusters.kbcheck import database_problems, fixture_paths, fixture_problems


class Command(BaseCommand):
    help = "Check the knowledge base: every cluster scored on every factor and sector, " \
        "every fact with source and rationale, known codes, unique city slugs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--fixtures",
            default=str(Path(settings.BASE_DIR) / "fixtures"),
            help="Folder of fixture files to check for duplicated keys",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = fixture_problems(fixture_paths(Path(options["fixtures"])))
        problems += database_problems()
        if problems:
            for problem in problems:
                self.stderr.write(f"- {problem}")
            raise CommandError(f"kb_check found {len(problems)} problem(s)")
        self.stdout.write(self.style.SUCCESS("kb_check: the knowledge base is complete."))
