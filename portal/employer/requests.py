"""An employer's requests: the list, a new same-day enquiry, and each request's page.

Everyone at the organisation sees its requests; nobody sees another organisation's."""

from __future__ import annotations

from portal.accounts.absences import support_cover
from portal.employer import bp
from portal.requests import pages
from portal.requests.forms import EmployerSupportForm


@bp.route("/requests/<reference>/sent")
def request_confirmation(reference: str):
    return pages.render_confirmation(pages.own_request("employer", reference))


@bp.route("/requests/<reference>")
def request_detail(reference: str):
    return pages.render_detail(pages.own_request("employer", reference))


@bp.route("/requests/<reference>/live")
def request_live(reference: str):
    return pages.render_fragment(pages.own_request("employer", reference))


@bp.route("/requests/<reference>/reply", methods=["POST"])
def request_reply(reference: str):
    return pages.reply(pages.own_request("employer", reference))


@bp.route("/requests/<reference>/accept-date", methods=["POST"])
def request_accept(reference: str):
    return pages.accept(pages.own_request("employer", reference))


@bp.route("/requests/<reference>/discuss-date", methods=["POST"])
def request_discuss(reference: str):
    return pages.discuss(pages.own_request("employer", reference))


@bp.route("/requests/<reference>/rate", methods=["POST"])
def request_rate(reference: str):
    return pages.rate(pages.own_request("employer", reference))


@bp.route("/requests/<reference>/files/<int:attachment_id>")
def request_file(reference: str, attachment_id: int):
    return pages.download(pages.own_request("employer", reference), attachment_id)


@bp.route("/requests")
def requests_list():
    return pages.organisation_list("employer", EmployerSupportForm)


@bp.route("/requests/new", methods=["GET", "POST"])
def new_request():
    return pages.new_organisation_request("employer", EmployerSupportForm, route_to=_route_to_cover)


def _route_to_cover(user):
    """Same-day enquiries go to the dedicated contact, or the deputy while they are away."""
    return support_cover(user.organisation).handler
