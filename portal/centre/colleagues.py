"""The centre's colleagues: invite, change role, remove (portal.accounts.contact_pages)."""

from __future__ import annotations

from portal.accounts import contact_pages
from portal.centre import bp


@bp.route("/colleagues")
def colleagues():
    return contact_pages.colleagues("centre")


@bp.route("/colleagues/invite", methods=["POST"])
def colleague_invite():
    return contact_pages.invite("centre")


@bp.route("/colleagues/<int:user_id>/role", methods=["POST"])
def colleague_role(user_id: int):
    return contact_pages.change_role("centre", user_id)


@bp.route("/colleagues/<int:user_id>/remove", methods=["POST"])
def colleague_remove(user_id: int):
    return contact_pages.remove("centre", user_id)
