"""``manage.py assess FILE.json`` (or ``-`` for stdin): rank one intake from the command line.

Prints the ranking JSON (docs/ARCHITECTURE.md) to stdout and saves nothing, unless
``--save`` (stores an Assessment, origin "cli", and prints its token and result link on
stderr). ``--format table`` prints a readable table in the intake's language instead;
``--pdf OUT.pdf`` also writes the entry brief. Bad JSON or an invalid intake: one line per
problem on stderr (``field: message [code]``) and exit status 2.
"""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from advisor.engine import LANGUAGES, Intake, IntakeError, parse_intake
from advisor.engine.verdict import verdict
from advisor.services import assessment_create, assessment_preview, ranking_for
from clusters.snapshot import get_snapshot

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "Rank one company intake (JSON) and print the ranking; --save stores it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="An intake JSON file, or - to read standard input.")
        parser.add_argument(
            "--save", action="store_true", help="Store an Assessment (origin: cli)."
        )
        parser.add_argument(
            "--format", choices=("json", "table"), default="json", help="Output format."
        )
        parser.add_argument(
            "--pdf", type=Path, metavar="OUT.pdf", help="Also write the entry brief PDF."
        )
        parser.add_argument(
            "--base-url",
            default=os.environ.get("SITE_URL", "http://127.0.0.1:8000"),
            help="Site address for the result link printed with --save (default: $SITE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data = self._read(options["file"])
        language = data.get("language") if isinstance(data, dict) else None
        if language not in LANGUAGES:
            language = settings.LANGUAGE_CODE
        snapshot = get_snapshot()
        # Validation messages in the intake's language (or the site default).
        with translation.override(language):
            try:
                intake = parse_intake(data, snapshot)
            except IntakeError as exc:
                for field, errors in exc.errors.items():
                    for error in errors:
                        self.stderr.write(f"{field}: {error['message']} [{error['code']}]")
                raise CommandError(_("The intake is invalid."), returncode=EXIT_BAD_INPUT) from exc

        if options["save"]:
            assessment = assessment_create(intake=intake, origin="cli", snapshot=snapshot)
            result = assessment.result
            link = options["base_url"].rstrip("/") + reverse("result", args=[assessment.token])
            self.stderr.write(f"token: {assessment.token}")
            self.stderr.write(f"result: {link}")
        else:
            assessment = None
            result = ranking_for(intake, snapshot)

        if options["format"] == "table":
            self.stdout.write(render_table(intake, result))
        else:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

        if options["pdf"]:
            # The brief is built by advisor/briefs from the stored (or previewed) assessment.
            from advisor.briefs.service import brief_pdf

            if assessment is None:
                assessment = assessment_preview(intake=intake, origin="cli", snapshot=snapshot)
            options["pdf"].write_bytes(brief_pdf(assessment, intake.language))
            self.stderr.write(f"pdf: {options['pdf']}")

    def _read(self, name: str) -> Any:
        try:
            text = _read_stdin() if name == "-" else Path(name).read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            self.stderr.write(f"file: {exc} [unreadable]")
            raise CommandError(f"cannot read {name}", returncode=EXIT_BAD_INPUT) from exc
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            self.stderr.write(f"non_field_errors: {exc} [invalid_json]")
            raise CommandError("invalid JSON", returncode=EXIT_BAD_INPUT) from exc


def _read_stdin() -> str:
    """Standard input as UTF-8 text without a leading byte-order mark (Windows editors and
    PowerShell's redirection write one), whatever the terminal's locale says."""
    raw = getattr(sys.stdin, "buffer", None)
    if raw is not None:
        return raw.read().decode("utf-8-sig")
    # Already text (a test's StringIO, an embedding program's stream).
    return sys.stdin.read().removeprefix("\ufeff")


def _width(text: str) -> int:
    """Columns on a terminal: Korean and Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def render_table(intake: Intake, result: dict[str, Any]) -> str:
    """The ranking as aligned text, in the intake's language."""
    with translation.override(intake.language):
        header = [_("Rank"), _("Cluster"), _("Score"), _("Sector fit"), _("Needs fit"),
                  _("Top city")]
        rows = [
            [
                str(entry["rank"]),
                entry["name"],
                f"{entry['score']:.1f}",
                f"{entry['sector_fit']:.1f}",
                f"{entry['needs_fit']:.1f}",
                entry["cities"][0]["name"] if entry["cities"] else "—",
            ]
            for entry in result["ranking"]
        ]
        widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
        numeric = {0, 2, 3, 4}
        lines = [
            "  ".join(
                _pad(cell, widths[i], right=i in numeric) for i, cell in enumerate(row)
            ).rstrip()
            for row in [header, *rows]
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        for item in result["excluded"]:
            lines.append(_("Excluded: %(name)s — %(reason)s")
                         % {"name": item["name"], "reason": item["reason"]})
        lines.append(_robustness_line(result))
        lines.append(
            _("Dataset %(dataset)s, method %(method)s")
            % {"dataset": result["dataset_version"], "method": result["method_version"]}
        )
    return "\n".join(lines)


def _robustness_line(result: dict[str, Any]) -> str:
    robustness = result["robustness"]
    if not result["ranking"]:
        return _("No cluster is left after the knock-outs.")
    decided = verdict(result)  # the same verdict as the page, the brief and the API
    values = {
        "share": decided.percent or 0,
        "samples": robustness["samples"],
        "margin": robustness["margin"] if robustness["margin"] is not None else 0.0,
    }
    if decided.clear:
        line = _("Robustness: first in %(share)d%% of %(samples)d perturbed weightings; "
                 "lead %(margin).1f points (clear winner).") % values
    else:
        line = _("Robustness: first in %(share)d%% of %(samples)d perturbed weightings; "
                 "lead %(margin).1f points (no clear winner).") % values
    flip = robustness.get("flip")
    if flip:
        line += " " + _("Changing %(factor)s from %(from)d to %(to)d would swap the top two.") % {
            "factor": flip["factor"], "from": flip["from_weight"], "to": flip["to_weight"]}
    return line
