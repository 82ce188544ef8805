"""Requests: every contact a customer makes, its promise, timeline and files.

The pages that show a request live with the people who use them (``portal.member`` for
members and applicants, this package's ``bp`` for visitors with a private link); all of them
change a request only through :mod:`portal.requests.services`.
"""

from flask import Blueprint

bp = Blueprint("requests", __name__)

from portal.requests import views  # noqa: E402,F401
