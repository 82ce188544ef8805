"""Who may go where: the role guard every area's blueprint uses, and safe redirects."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.accounts.models import Role

# Each area's dashboard, by role. Admins run the staff console as well as their own.
DASHBOARDS = {
    Role.MEMBER.value: "member.dashboard",
    Role.EMPLOYER.value: "employer.dashboard",
    Role.CENTRE.value: "centre.dashboard",
    Role.STAFF.value: "staff.dashboard",
    Role.ADMIN.value: "admin.dashboard",
}


def dashboard_url(user) -> str:
    return url_for(DASHBOARDS[user.role])


def is_safe_next(target: str | None) -> bool:
    """True for a path on this site only (no scheme, no host, no protocol-relative URL)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def guard_blueprint(bp, *roles: Role) -> None:
    """Require a signed-in user with one of ``roles`` for every view of ``bp``.

    Anonymous visitors are sent to sign in and brought back afterwards; a signed-in user
    of another role gets the 403 page.
    """
    allowed = {r.value for r in roles}

    @bp.before_request
    def _require_role():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if current_user.role not in allowed:
            abort(403)
        return None


def viewers_only_look(bp) -> None:
    """A contact who can only view (issue 20) changes nothing: every POST in ``bp`` is 403.

    Register after :func:`guard_blueprint`, which has already sent anyone signed out away.
    """

    @bp.before_request
    def _refuse_changes_by_viewers():
        if request.method not in ("GET", "HEAD", "OPTIONS") and (
            current_user.is_authenticated and not current_user.is_organisation_admin
        ):
            abort(403)
        return None
