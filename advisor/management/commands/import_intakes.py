"""``manage.py import_intakes FILE [--export OUT.xlsx|OUT.csv] [--dry-run]``

The same importer as the staff upload page (same columns, validation, policy), with a
progress bar and the per-row report on stderr. Exit status: 0 when every row was good,
2 when any row was bad (the good ones are still saved, as on the upload page) or the file
could not be read at all (raised as CommandError with returncode 2).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from tqdm import tqdm

from advisor.batch.exporter import export_language, write_export
from advisor.batch.importer import import_spreadsheet
from advisor.batch.io import SpreadsheetError
from clusters.snapshot import get_snapshot

EXIT_BAD_ROWS = 2


class Command(BaseCommand):
    help = "Import a CSV/XLSX of intakes: rank and save the valid rows, report the others."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A .csv or .xlsx file, one company per row.")
        parser.add_argument(
            "--export",
            type=Path,
            metavar="OUT",
            help="Write the ranked results of the valid rows to OUT (.xlsx or .csv).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate and rank, but save nothing.",
        )
        parser.add_argument(
            "--user", help="Username recorded as the importer (default: nobody)."
        )
        parser.add_argument(
            "--lang", default=settings.LANGUAGE_CODE, help="Language of the export: ko or en."
        )
        parser.add_argument(
            "--base-url",
            default=os.environ.get("SITE_URL", "http://127.0.0.1:8000"),
            help="Site address for result links in the export (default: $SITE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        export: Path | None = options["export"]
        if export is not None and export.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError("--export must end in .xlsx or .csv")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}")
        language = export_language(options["lang"])
        base = options["base_url"].rstrip("/")

        def link_for(token: str) -> str:
            return base + reverse("result", args=[token])

        try:
            handle = path.open("rb")
        except OSError as exc:
            raise CommandError(f"Cannot open {path}: {exc.strerror}") from exc

        # The raw stream under Django's OutputWrapper: tqdm redraws its line with "\r", which
        # the wrapper would turn into one new line per update.
        bar = tqdm(unit=" rows", file=self.stderr._out, disable=None, desc=path.name)

        def on_start(estimate: int | None) -> None:
            bar.total = estimate

        try:
            with handle:
                report = import_spreadsheet(
                    handle,
                    filename=path.name,
                    user=user,
                    save=not options["dry_run"],
                    collect=export is not None,
                    language=language,
                    link_for=link_for,
                    progress=bar.update,
                    on_start=on_start,
                )
        except SpreadsheetError as exc:
            bar.close()
            raise CommandError(
                f"{path}: {exc.message} [{exc.code}]", returncode=EXIT_BAD_ROWS
            ) from None
        bar.close()

        for column in report.ignored_columns:
            self.stderr.write(f"column ignored (not recognised): {column}")
        for error in report.errors:
            where = f"row {error['row']}" + (f", {error['column']}" if error["column"] else "")
            self.stderr.write(f"{where}: {error['message']} [{error['code']}]")

        if export is not None:
            kind = "xlsx" if export.suffix.lower() == ".xlsx" else "csv"
            with export.open("wb") as out:
                write_export(out, kind, language, report.results, get_snapshot())

        if report.read_as:
            self.stderr.write(f"read as: {report.read_as}")
        if report.example_skipped:
            self.stderr.write("the template's example row was skipped")
        saved = "would save" if options["dry_run"] else "saved"
        batch = f" (batch {report.batch.pk})" if report.batch else ""
        self.stdout.write(
            f"{report.rows_total} rows: {report.rows_ok} {saved}{batch}, "
            f"{report.rows_bad} with errors"
            + (f"; results written to {export}" if export is not None else "")
        )
        if report.rows_bad:
            raise CommandError(
                f"{report.rows_bad} rows have errors (listed above)", returncode=EXIT_BAD_ROWS
            )
