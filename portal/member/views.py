"""The member's own pages."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.extensions import db
from portal.member import bp
from portal.member.forms import NewsPreferencesForm
from portal.notify.news import set_news_topics, subscribed_topics
from portal.public.templating import LONDON


@bp.route("/")
def dashboard():
    membership = current_user.membership
    grades = dict(current_app.config["MEMBER_GRADES"])
    days_to_renewal = None
    if membership is not None and membership.renewal_date is not None:
        days_to_renewal = (membership.renewal_date - datetime.now(LONDON).date()).days
    return render_template(
        "member/dashboard.html",
        membership=membership,
        grade_name=grades.get(membership.grade, membership.grade) if membership else None,
        days_to_renewal=days_to_renewal,
    )


@bp.route("/preferences", methods=["GET", "POST"])
def preferences():
    """Which news the member wants; service email always goes (docs/NOTIFICATIONS.md)."""
    form = NewsPreferencesForm()
    if request.method == "GET":
        for topic in subscribed_topics(current_user):
            form[topic].data = True
    if form.validate_on_submit():
        set_news_topics(current_user, form.chosen_topics())
        db.session.commit()
        flash("Your email choices are saved.", "success")
        return redirect(url_for("member.preferences"))
    return render_template("member/preferences.html", form=form)
