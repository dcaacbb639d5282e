"""``manage.py build_brief_fonts``: cut the PDF brief's faces from Noto Sans CJK KR.

Run by ``make setup``; does nothing when the faces are up to date (same source font files,
character set and build). See advisor/briefs/fonts.py for why the brief has its own faces.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from advisor.briefs import fonts


class Command(BaseCommand):
    help = "Build the PDF brief's font files (Noto Sans CJK KR cut to the brief's characters)."
    # The checks would only warn that these very files are missing.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Rebuild even if up to date.")

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.monotonic()
        outcome = fonts.build(force=options["force"])
        if outcome == "no source font":
            raise CommandError(
                f"{fonts.SOURCE_FAMILY} (Regular and Bold) is not installed, so there is "
                "nothing to build the brief's faces from: apt-get install fonts-noto-cjk "
                "(make setup does). Briefs still render, with whatever CJK font is installed."
            )
        if options["verbosity"]:
            where = fonts.font_dir()
            if outcome == "up to date":
                self.stdout.write(f"Brief fonts in {where} are up to date.")
            else:
                sizes = ", ".join(
                    f"{path.name} {path.stat().st_size / 2**20:.1f} MB"
                    for path in fonts.built_faces().values()
                )
                self.stdout.write(self.style.SUCCESS(
                    f"Built the brief fonts in {where} ({sizes}) in "
                    f"{time.monotonic() - start:.0f} s."
                ))
