"""A member's or applicant's own requests: each request's page and its actions
(CHARTER.md section 6)."""

from __future__ import annotations

from portal.member import bp
from portal.requests import pages


@bp.route("/requests/<reference>/sent")
def request_confirmation(reference: str):
    return pages.render_confirmation(pages.own_request("member", reference))


@bp.route("/requests/<reference>")
def request_detail(reference: str):
    return pages.render_detail(pages.own_request("member", reference))


@bp.route("/requests/<reference>/live")
def request_live(reference: str):
    return pages.render_fragment(pages.own_request("member", reference))


@bp.route("/requests/<reference>/reply", methods=["POST"])
def request_reply(reference: str):
    return pages.reply(pages.own_request("member", reference))


@bp.route("/requests/<reference>/accept-date", methods=["POST"])
def request_accept(reference: str):
    return pages.accept(pages.own_request("member", reference))


@bp.route("/requests/<reference>/discuss-date", methods=["POST"])
def request_discuss(reference: str):
    return pages.discuss(pages.own_request("member", reference))


@bp.route("/requests/<reference>/rate", methods=["POST"])
def request_rate(reference: str):
    return pages.rate(pages.own_request("member", reference))


@bp.route("/requests/<reference>/files/<int:attachment_id>")
def request_file(reference: str, attachment_id: int):
    return pages.download(pages.own_request("member", reference), attachment_id)
