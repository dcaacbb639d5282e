"""Web forms. The intake form only collects fields: the rules live in the engine.

:class:`IntakeForm` builds the intake dict of docs/ARCHITECTURE.md and hands it to
``advisor.engine.parse_intake`` (the same validation the API, the CLI and the spreadsheet
import use). The engine's field errors (``needs.talent``, ``minimums.cost``, ...) are
attached to the matching form fields, so a message appears beside the control it concerns,
in the page's language, and everything typed stays in the form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from advisor.engine.explain import stage_label
from advisor.formfields import CleanCharField
from advisor.models import Assessment
from advisor.web.services import lead_create
from clusters.models import Sector

NEED_LEVELS = [(str(n), str(n)) for n in range(6)]

__all__ = [
    "ConsultForm",
    "DecisionNoteForm",
    "IntakeForm",
    "ScenarioForm",
]


def _engine() -> Any:
    # Imported on use so the site's other pages keep working while the engine is rebuilt.
    from advisor import engine

    return engine


def _method() -> Any:
    from advisor.engine import method

    return method


def _snapshot() -> Any:
    from clusters.snapshot import get_snapshot

    return get_snapshot()


def page_language() -> str:
    return "en" if (get_language() or "ko").startswith("en") else "ko"


class ListField(forms.Field):
    """A list of strings, passed on unvalidated: the engine decides what is allowed."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value]


class SectorSelect(forms.Select):
    """A select whose options carry the sector's one-line description (shown by intake.js
    below the control, and as a tooltip)."""

    def __init__(self, *args: Any, descriptions: Mapping[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.descriptions = dict(descriptions or {})

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):  # type: ignore[no-untyped-def]
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        description = self.descriptions.get(str(value))
        if description:
            option["attrs"]["title"] = description
            option["attrs"]["data-description"] = description
        return option


def _int_or_raw(value: Any) -> Any:
    """'4' -> 4; anything else goes to the engine as typed, so its message names the problem."""
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
        return text
    return value


class EngineFormMixin:
    """Needs, knock-outs and the mapping of engine errors onto fields."""

    snapshot: Any
    intake: Any = None
    fields: dict[str, forms.Field]

    def _add_need_and_knockout_fields(self, *, initial_needs: Mapping[str, Any]) -> None:
        lang = page_language()
        default = _method().NEED_DEFAULT
        self.need_codes: list[str] = []
        for factor in self.snapshot.factors:
            self.need_codes.append(factor.code)
            self.fields[f"need_{factor.code}"] = forms.CharField(
                label=factor.name.get(lang),
                required=False,
                initial=str(initial_needs.get(factor.code, default)),
                widget=forms.RadioSelect(choices=NEED_LEVELS),
                help_text=factor.description_en if lang == "en" else factor.description_ko,
            )
        self.fields["exclude"] = ListField(
            label=_("Leave out these clusters"),
            required=False,
            widget=forms.CheckboxSelectMultiple(
                choices=[(c.code, c.name.with_zh(lang)) for c in self.snapshot.clusters]
            ),
        )
        for factor in self.snapshot.factors:
            self.fields[f"min_{factor.code}"] = forms.CharField(
                label=factor.name.get(lang),
                required=False,
                widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1,
                                                "inputmode": "numeric"}),
            )

    # Field groups for templates, which cannot build "need_" + code names themselves.
    def need_fields(self) -> list[forms.BoundField]:
        return [self[f"need_{code}"] for code in self.need_codes]  # type: ignore[index]

    def minimum_fields(self) -> list[forms.BoundField]:
        return [self[f"min_{code}"] for code in self.need_codes]  # type: ignore[index]

    def knockouts_used(self) -> bool:
        """Open the knock-out section when it holds a value or an error."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}  # type: ignore[attr-defined]
        errors = self.errors  # type: ignore[attr-defined]
        names = ["exclude", *[f"min_{c}" for c in self.need_codes]]
        return any(errors.get(n) for n in names) or any(data.get(n) for n in names)

    def _needs_and_knockouts(self, data: Mapping[str, Any]) -> dict[str, Any]:
        needs = {code: _int_or_raw(data.get(f"need_{code}")) for code in self.need_codes
                 if data.get(f"need_{code}") not in (None, "")}
        minimums = {code: _int_or_raw(data.get(f"min_{code}")) for code in self.need_codes
                    if data.get(f"min_{code}") not in (None, "")}
        result: dict[str, Any] = {"needs": needs, "exclude": list(data.get("exclude") or [])}
        if minimums:
            result["minimums"] = minimums
        return result

    def _field_for(self, key: str) -> str | None:
        if key.startswith("needs."):
            name = "need_" + key.split(".", 1)[1]
        elif key.startswith("minimums."):
            name = "min_" + key.split(".", 1)[1]
        elif key.startswith(("exclude.", "secondary_sectors.")):
            name = key.split(".", 1)[0]
        else:
            name = key
        return name if name in self.fields else None

    def _parse(self, data: dict[str, Any]) -> None:
        engine = _engine()
        try:
            self.intake = engine.parse_intake(data, self.snapshot)
        except engine.IntakeError as error:
            for key, problems in error.errors.items():
                field = self._field_for(key)
                for problem in problems:
                    message = problem.get("message") if isinstance(problem, Mapping) else problem
                    code = problem.get("code") if isinstance(problem, Mapping) else None
                    # A field Django already refused keeps its first message only.
                    if field and field in self.errors:  # type: ignore[attr-defined]
                        continue
                    self.add_error(field, ValidationError(str(message), code=code))  # type: ignore[attr-defined]


class IntakeForm(EngineFormMixin, forms.Form):
    """The self-assessment (public) and the staff's "assessment for a client"."""

    company_name = forms.CharField(
        label=_("Company name"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization", "maxlength": 200}),
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        help_text=_(
            "What you make or do, in Korean, English or Chinese, separated by commas "
            "(e.g. speech recognition, 음성인식). Used to find matching cities."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")

    def __init__(self, *args: Any, with_contact: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.snapshot = _snapshot()
        self.with_contact = with_contact
        lang = page_language()
        groups = dict(Sector.Group.choices)
        grouped: dict[str, list[tuple[str, str]]] = {}
        for sector in self.snapshot.sectors:
            grouped.setdefault(sector.group, []).append((sector.code, sector.name.get(lang)))
        sector_choices = [
            (str(groups.get(group, group)), options) for group, options in grouped.items()
        ]
        descriptions = {
            s.code: (s.description_en if lang == "en" else s.description_ko)
            for s in self.snapshot.sectors
        }
        self.sector_groups = [
            {
                "label": str(groups.get(group, group)),
                "sectors": [
                    {"code": code, "name": name, "description": descriptions.get(code, "")}
                    for code, name in options
                ],
            }
            for group, options in grouped.items()
        ]
        self.fields["sector"] = forms.CharField(
            label=_("Main sector"),
            required=False,
            widget=SectorSelect(
                choices=[("", _("Choose a sector")), *sector_choices], descriptions=descriptions
            ),
        )
        self.fields["secondary_sectors"] = ListField(
            label=_("Other sectors (optional)"),
            required=False,
            widget=forms.CheckboxSelectMultiple(choices=sector_choices),
        )
        method = _method()
        self.fields["stage"] = forms.CharField(
            label=_("Stage"),
            required=False,
            initial=method.DEFAULT_STAGE,
            widget=forms.Select(choices=[(s, stage_label(s)) for s in method.STAGES]),
        )
        self._add_need_and_knockout_fields(initial_needs={})
        if with_contact:
            self.fields["contact_name"] = CleanCharField(
                label=_("Name"), required=False, max_length=100,
                widget=forms.TextInput(attrs={"autocomplete": "name"}),
            )
            self.fields["contact_email"] = forms.EmailField(
                label=_("Email"), required=False,
                widget=forms.EmailInput(attrs={"autocomplete": "email"}),
            )
            self.fields["contact_phone"] = CleanCharField(
                label=_("Phone"), required=False, max_length=40,
                widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            )
            self.fields["consent"] = forms.BooleanField(
                label=_("I agree to the collection and use of my personal information as "
                        "described above."),
                required=False,
            )
        self.order_fields(["company_name", "sector", "secondary_sectors", "keywords", "stage"])

    def intake_data(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The intake dict (docs/ARCHITECTURE.md) from what the person typed."""
        return {
            "company_name": data.get("company_name") or "",
            "sector": data.get("sector") or "",
            "secondary_sectors": list(data.get("secondary_sectors") or []),
            "keywords": data.get("keywords") or "",
            # Absent means the engine's default stage; an empty string would be refused.
            "stage": data.get("stage") or None,
            "language": page_language(),
            **self._needs_and_knockouts(data),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._parse(self.intake_data(cleaned))
        if self.with_contact:
            self._clean_contact(cleaned)
        return cleaned

    def _clean_contact(self, cleaned: Mapping[str, Any]) -> None:
        given = any(cleaned.get(name) for name in self.CONTACT_FIELDS)
        if not given:
            return
        # Contact details are optional, but once given we need a way to reach the person
        # and their consent (PIPA: no collection without consent to purpose and period).
        if not cleaned.get("contact_name") and "contact_name" not in self.errors:
            self.add_error("contact_name", ValidationError(
                gettext("Please give your name, or leave all contact fields empty."),
                code="required"))
        if not cleaned.get("contact_email") and "contact_email" not in self.errors:
            self.add_error("contact_email", ValidationError(
                gettext("Please give an email address, or leave all contact fields empty."),
                code="required"))
        if not cleaned.get("consent"):
            self.add_error("consent", ValidationError(
                gettext("Please agree to the collection and use of your contact details, "
                        "or leave all contact fields empty."),
                code="consent_required"))

    def contact_given(self) -> bool:
        return bool(self.with_contact and self.cleaned_data.get("contact_email"))

    @transaction.atomic
    def save(
        self, *, origin: str, user: Any = None, parent: Assessment | None = None
    ) -> Assessment:
        from advisor.services import assessment_create

        assessment = assessment_create(
            intake=self.intake, origin=origin, user=user, parent=parent, snapshot=self.snapshot
        )
        if self.contact_given():
            lead_create(
                assessment=assessment,
                name=self.cleaned_data["contact_name"],
                email=self.cleaned_data["contact_email"],
                phone=self.cleaned_data.get("contact_phone") or "",
                message="",
                consent=True,
            )
        return assessment


class ScenarioForm(EngineFormMixin, forms.Form):
    """What-if: the original intake with other needs and knock-outs (nothing else changes)."""

    def __init__(self, *args: Any, base_intake: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.snapshot = _snapshot()
        self.base_intake = dict(base_intake)
        self._add_need_and_knockout_fields(initial_needs=self.base_intake.get("needs") or {})
        self.fields["exclude"].initial = list(self.base_intake.get("exclude") or [])
        for code, value in (self.base_intake.get("minimums") or {}).items():
            if f"min_{code}" in self.fields:
                self.fields[f"min_{code}"].initial = value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data = {**self.base_intake, **self._needs_and_knockouts(cleaned)}
        if "minimums" not in self._needs_and_knockouts(cleaned):
            data.pop("minimums", None)
        self._parse(data)
        return cleaned


def _consent_required_message() -> str:
    return gettext(
        "Please agree to the collection and use of personal information to send the request."
    )


class ConsultForm(forms.Form):
    name = CleanCharField(label=_("Name"), max_length=100,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Email"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = CleanCharField(label=_("Phone (optional)"), max_length=40, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))
    message = CleanCharField(one_line=False, label=_("Message (optional)"), max_length=2000,
                             required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    consent = forms.BooleanField(
        label=_("I agree to the collection and use of my personal information as described "
                "above."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].error_messages["required"] = _consent_required_message()

    def lead_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "email": data["email"],
            "phone": data.get("phone") or "",
            "message": data.get("message") or "",
            "consent": bool(data["consent"]),
        }


class DecisionNoteForm(forms.Form):
    """The consultant's final recommendation; the cluster and city lists come from the
    knowledge base so a note always names something the brief can show."""

    cluster = forms.ChoiceField(label=_("Recommended cluster"))
    city = forms.ChoiceField(label=_("Recommended city (optional)"), required=False)
    note = CleanCharField(one_line=False, label=_("Reasoning"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, initial_cluster: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        snapshot = _snapshot()
        lang = page_language()
        self.cities_by_cluster: dict[str, set[str]] = {}
        for city in snapshot.cities.values():
            if city.cluster:
                self.cities_by_cluster.setdefault(city.cluster, set()).add(city.slug)
        self.fields["cluster"].choices = [
            (c.code, c.name.with_zh(lang)) for c in snapshot.clusters
        ]
        if initial_cluster:
            self.fields["cluster"].initial = initial_cluster
        city_groups: list[tuple[str, Sequence[tuple[str, str]]]] = []
        for cluster in snapshot.clusters:
            cities = sorted(
                (c for c in snapshot.cities.values() if c.cluster == cluster.code),
                key=lambda c: (not c.is_core, c.slug),
            )
            if cities:
                city_groups.append(
                    (cluster.name.get(lang), [(c.slug, c.name.with_zh(lang)) for c in cities])
                )
        self.fields["city"].choices = [("", "—"), *city_groups]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cluster, city = cleaned.get("cluster"), cleaned.get("city")
        if cluster and city and city not in self.cities_by_cluster.get(cluster, set()):
            self.add_error("city", ValidationError(
                gettext("This city is not in the recommended cluster."),
                code="city_outside_cluster"))
        return cleaned
