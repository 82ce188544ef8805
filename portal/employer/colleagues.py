"""The employer's colleagues: invite, change role, remove (portal.accounts.contact_pages)."""

from __future__ import annotations

from portal.accounts import contact_pages
from portal.employer import bp


@bp.route("/colleagues")
def colleagues():
    return contact_pages.colleagues("employer")


@bp.route("/colleagues/invite", methods=["POST"])
def colleague_invite():
    return contact_pages.invite("employer")


@bp.route("/colleagues/<int:user_id>/role", methods=["POST"])
def colleague_role(user_id: int):
    return contact_pages.change_role("employer", user_id)


@bp.route("/colleagues/<int:user_id>/remove", methods=["POST"])
def colleague_remove(user_id: int):
    return contact_pages.remove("employer", user_id)
