"""A learning centre user's pages."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.centre import bp


@bp.route("/")
def dashboard():
    return render_template("centre/dashboard.html", organisation=current_user.organisation)
