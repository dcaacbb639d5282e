"""The consultant's signature: edited on the staff page, printed in briefs."""

from __future__ import annotations

from django.urls import reverse

from advisor.briefs.content import consultant_signature
from advisor.models import StaffProfile


def test_it_requires_staff(client, non_staff_client):
    assert client.get(reverse("staff-profile")).status_code in (302, 403)
    assert non_staff_client.get(reverse("staff-profile")).status_code in (302, 403)


def test_a_consultant_saves_their_name_and_title(staff_client, staff_user):
    page = staff_client.get(reverse("staff-profile"))
    assert page.status_code == 200
    response = staff_client.post(reverse("staff-profile"), {
        "name_ko": "김지현", "name_en": "Jihyun Kim",
        "title_ko": "수석 컨설턴트", "title_en": "Senior Consultant",
    })
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user=staff_user)
    assert (profile.name_en, profile.title_ko) == ("Jihyun Kim", "수석 컨설턴트")
    staff_user.refresh_from_db()
    assert consultant_signature(staff_user, "en") == "Jihyun Kim, Senior Consultant"
    assert consultant_signature(staff_user, "ko") == "김지현, 수석 컨설턴트"


def test_the_post_needs_the_csrf_token(staff_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert client.post(reverse("staff-profile"), {"name_en": "X"}).status_code == 403


def test_a_signature_never_falls_back_to_the_login_name(staff_user):
    # alice has neither a profile nor a first or last name.
    assert "alice" not in consultant_signature(staff_user, "en")
    assert consultant_signature(staff_user, "en") == "KIC China consultant"
    assert consultant_signature(None, "en") == "KIC China consultant"
