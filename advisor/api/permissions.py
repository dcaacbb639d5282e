"""Who may call what. Staff share one workspace (see advisor.access)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from advisor.access import is_staff


class IsStaff(BasePermission):
    """Active staff only. Anonymous callers get a 401 (with the authentication scheme in
    WWW-Authenticate), logged-in non-staff a 403: both JSON, neither says what exists."""

    message = _("Only KIC staff may use this endpoint.")
    code = "staff_only"

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_staff(request.user)
