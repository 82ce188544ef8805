"""The public page an employer opens from a membership certificate's QR code."""

from __future__ import annotations

from flask import render_template

from portal.membership.proof import check_status
from portal.visitor import bp


@bp.route("/verify/membership/<token>")
def verify_membership(token: str):
    """Current or not, as of now, and nothing else: no name, number or dates."""
    result = check_status(token)
    page = render_template("visitor/verify_membership.html", result=result)
    headers = {
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Robots-Tag": "noindex",
    }
    return page, 200 if result.is_valid else 404, headers
