"""A learning centre's requests: process enquiries (CHARTER.md section 4, centre-support:
2 working days), reprints, and each request's page."""

from __future__ import annotations

from portal.centre import bp
from portal.centre.forms import AmendmentForm, AppealForm, CentreSupportForm
from portal.requests import pages


@bp.route("/requests/<reference>/sent")
def request_confirmation(reference: str):
    return pages.render_confirmation(pages.own_request("centre", reference))


@bp.route("/requests/<reference>")
def request_detail(reference: str):
    return pages.render_detail(pages.own_request("centre", reference))


@bp.route("/requests/<reference>/live")
def request_live(reference: str):
    return pages.render_fragment(pages.own_request("centre", reference))


@bp.route("/requests/<reference>/reply", methods=["POST"])
def request_reply(reference: str):
    return pages.reply(pages.own_request("centre", reference))


@bp.route("/requests/<reference>/accept-date", methods=["POST"])
def request_accept(reference: str):
    return pages.accept(pages.own_request("centre", reference))


@bp.route("/requests/<reference>/discuss-date", methods=["POST"])
def request_discuss(reference: str):
    return pages.discuss(pages.own_request("centre", reference))


@bp.route("/requests/<reference>/rate", methods=["POST"])
def request_rate(reference: str):
    return pages.rate(pages.own_request("centre", reference))


@bp.route("/requests/<reference>/files/<int:attachment_id>")
def request_file(reference: str, attachment_id: int):
    return pages.download(pages.own_request("centre", reference), attachment_id)


@bp.route("/requests")
def requests_list():
    return pages.organisation_list("centre", CentreSupportForm)


@bp.route("/requests/new", methods=["GET", "POST"])
def new_request():
    # Centre enquiries go to the team's queue, not to one person.
    return pages.new_organisation_request("centre", CentreSupportForm, route_to=lambda user: None)


@bp.route("/requests/new/amendment", methods=["GET", "POST"])
def new_amendment():
    """An amendment or certificate correction (CHARTER.md section 9: 10 working days)."""
    return pages.new_organisation_request("centre", AmendmentForm, route_to=lambda user: None,
                                          endpoint="new_amendment")


@bp.route("/requests/new/appeal", methods=["GET", "POST"])
def new_appeal():
    """An appeal (CHARTER.md section 9: acknowledged within 3, decided within 20 working
    days); the decision date is promised when it arrives."""
    return pages.new_organisation_request("centre", AppealForm, route_to=lambda user: None,
                                          endpoint="new_appeal")

