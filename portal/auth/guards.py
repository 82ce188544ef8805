"""Checks that run before every request of every area."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_login import current_user

from portal.accounts import two_factor
from portal.auth import bp

# Pages a signed-in staff member without two-step sign-in may still reach: setting it up,
# confirming their password to do so, and signing out; and the live state URL, which
# reveals only a version tag and is answered without loading the user (requests/live.py).
_SETUP_ENDPOINTS = {"auth.two_factor_setup", "auth.confirm_identity", "auth.logout", "static",
                    "visitor.live_state"}


@bp.before_app_request
def _staff_must_have_two_factor():
    """Staff and administrators cannot use the portal without two-step sign-in (V6.3.3),
    even if it was turned off or their role changed during a session."""
    if request.endpoint in _SETUP_ENDPOINTS or not current_user.is_authenticated:
        return None
    if two_factor.is_required(current_user) and not two_factor.is_enabled(current_user):
        return redirect(url_for("auth.two_factor_setup"))
    return None
