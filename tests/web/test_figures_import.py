"""Importing a table of city figures: a preview that writes nothing, then one apply."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.models import CityMetric, DatasetVersion

pytestmark = pytest.mark.django_db

CSV = (
    "city,indicator,period,value,source\n"
    "beijing,gdp,2024Q1-Q3,\"33,500.5\",seed-kic-weekly-403\n"  # changes 33462.00
    "선전,GDP,2025,38000,seed-kic-weekly-403\n"  # a new figure (unit from the indicator)
    "beijing,exports,2024Q1-Q3,4554,seed-kic-weekly-403\n"  # already as stated
    "atlantis,gdp,2025,1,seed-kic-weekly-403\n"  # no such city
    "shanghai,gdp,2025,1,no-such-source\n"  # no such source
    "shanghai,gdp,2025,lots,seed-kic-weekly-403\n"  # not a number
)


@pytest.fixture
def editor(staff_user):
    for codename in ("add_citymetric", "change_citymetric"):
        staff_user.user_permissions.add(Permission.objects.get(codename=codename))
    return staff_user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def _upload(content: str | bytes, name: str = "gdp-2025.csv") -> SimpleUploadedFile:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _revision() -> int:
    row = DatasetVersion.objects.filter(pk=1).first()
    return row.revision if row else 0


def test_preview_shows_each_change_and_each_unmatched_row_and_writes_nothing(
        editor_client, django_assert_num_queries):
    before = list(CityMetric.objects.values_list("pk", "value"))
    revision = _revision()
    # session, user, permissions (user and group), cities, sources, metrics
    with django_assert_num_queries(7):
        response = editor_client.post(reverse("staff-figures-import"), {"file": _upload(CSV)})
    assert response.status_code == 200
    plan = response.context["plan"]
    changes = {(c.city, c.metric, c.period): c for c in plan.changes}
    assert set(changes) == {("beijing", "gdp", "2024Q1-Q3"), ("shenzhen", "gdp", "2025")}
    assert changes[("beijing", "gdp", "2024Q1-Q3")].old_value == Decimal("33462.00")
    assert changes[("beijing", "gdp", "2024Q1-Q3")].new_value == Decimal("33500.50")
    assert changes[("shenzhen", "gdp", "2025")].is_new
    assert changes[("shenzhen", "gdp", "2025")].unit == "CNY 100m"
    assert plan.unchanged == 1
    assert [p.line for p in plan.problems] == [5, 6, 7]
    html = response.content.decode()
    row = html.split('data-city="beijing" data-metric="gdp"', 1)[1].split("</tr>", 1)[0]
    assert "33462.00" in row and "33500.50" in row
    problems = html.split('id="figure-problems"', 1)[1].split("</ul>", 1)[0]
    assert "5행" in problems and "atlantis" in problems
    assert "no-such-source" in problems and "lots" in problems
    # Nothing written.
    assert list(CityMetric.objects.values_list("pk", "value")) == before
    assert _revision() == revision


def test_apply_writes_the_changes_with_history_and_bumps_the_version_once(editor_client,
                                                                         editor):
    preview = editor_client.post(reverse("staff-figures-import"), {"file": _upload(CSV)})
    revision = _revision()
    count = CityMetric.objects.count()
    response = editor_client.post(reverse("staff-figures-apply"),
                                  {"token": preview.context["token"]}, follow=True)
    assert response.status_code == 200
    assert "2건" in response.content.decode()
    beijing = CityMetric.objects.get(city__slug="beijing", metric="gdp", period="2024Q1-Q3")
    assert beijing.value == Decimal("33500.50")
    shenzhen = CityMetric.objects.get(city__slug="shenzhen", metric="gdp", period="2025")
    assert (shenzhen.value, shenzhen.unit, shenzhen.source.key) == (
        Decimal("38000.00"), "CNY 100m", "seed-kic-weekly-403")
    assert CityMetric.objects.count() == count + 1
    assert _revision() == revision + 1
    latest = beijing.history.latest()
    assert latest.history_user == editor
    assert latest.history_change_reason == "수치 가져오기: gdp-2025.csv"
    assert latest.prev_record.value == Decimal("33462.00")
    # Applying the same preview again changes nothing more.
    editor_client.post(reverse("staff-figures-apply"), {"token": preview.context["token"]})
    assert _revision() == revision + 1


def test_a_korean_excel_csv_in_cp949_is_read(editor_client):
    content = "city,indicator,period,value,source\n베이징,GDP,2025,50000,seed-kic-weekly-403\n"
    response = editor_client.post(reverse("staff-figures-import"),
                                  {"file": _upload(content.encode("cp949"))})
    assert response.status_code == 200
    assert [(c.city, c.metric) for c in response.context["plan"].changes] == [("beijing", "gdp")]


def test_a_table_without_the_needed_columns_is_refused_naming_them(editor_client):
    response = editor_client.post(reverse("staff-figures-import"),
                                  {"file": _upload("city,value\nbeijing,1\n")})
    assert response.status_code == 400
    assert "indicator, period, source" in response.context["form"].errors["file"][0]


def test_an_altered_preview_is_refused_and_nothing_is_written(editor_client):
    preview = editor_client.post(reverse("staff-figures-import"), {"file": _upload(CSV)})
    revision = _revision()
    token = preview.context["token"]
    response = editor_client.post(reverse("staff-figures-apply"),
                                  {"token": token[:-3] + "abc"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("staff-figures-import")
    assert _revision() == revision
    assert not CityMetric.objects.filter(city__slug="shenzhen", period="2025").exists()


def test_staff_without_the_editing_permission_are_refused(staff_client):
    assert staff_client.get(reverse("staff-figures-import")).status_code == 403
    assert staff_client.post(reverse("staff-figures-import"),
                             {"file": _upload(CSV)}).status_code == 403
    assert staff_client.post(reverse("staff-figures-apply"), {"token": "x"}).status_code == 403


def test_anonymous_and_non_staff_users_are_refused(client, non_staff_client):
    from django.test import Client

    anonymous = Client()
    response = anonymous.get(reverse("staff-figures-import"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert anonymous.post(reverse("staff-figures-apply"), {"token": "x"}).status_code == 302
    assert non_staff_client.get(reverse("staff-figures-import")).status_code == 403
    assert non_staff_client.post(reverse("staff-figures-apply"),
                                 {"token": "x"}).status_code == 403
