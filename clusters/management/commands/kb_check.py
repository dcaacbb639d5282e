from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clusters.kbcheck import (
    coverage,
    database_problems,
    fixture_paths,
    fixture_problems,
    unverified_facts,
)


class Command(BaseCommand):
    help = (
        "Check the knowledge base: every cluster scored on every factor and sector, every fact "
        "with source and rationale, known codes, unique city slugs, every city in a cluster, "
        "city evidence for every strength of 3 or more, dated sources and events, specialty "
        "keywords that reach the glossary. Prints the coverage; fails on any problem."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--fixtures",
            default=str(Path(settings.BASE_DIR) / "fixtures"),
            help="Folder of fixture files to check for duplicated keys",
        )
        parser.add_argument(
            "--warn",
            action="store_true",
            help="Report the problems but exit 0 (for editors filling a gap step by step)",
        )
        parser.add_argument(
            "--unverified",
            action="store_true",
            help="Also list every fact still resting on general knowledge ('to verify')",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = fixture_problems(fixture_paths(Path(options["fixtures"])))
        problems += database_problems()
        for line in coverage().lines():
            self.stdout.write(f"kb_check: {line}")
        if options["unverified"]:
            facts = unverified_facts()
            self.stdout.write(f"kb_check: {len(facts)} fact(s) to verify (shown to staff only):")
            for fact in facts:
                self.stdout.write(f"  - {fact}")
        if problems:
            for problem in problems:
                self.stderr.write(f"- {problem}")
            message = f"kb_check found {len(problems)} problem(s)"
            if options["warn"]:
                self.stderr.write(self.style.WARNING(f"{message} (--warn: not failing)"))
                return
            raise CommandError(message)
        self.stdout.write(self.style.SUCCESS("kb_check: the knowledge base is complete."))
