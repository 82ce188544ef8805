"""My details: name, postal address, phone and email, and every request made, searchable."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.extensions import limiter
from portal.member import bp
from portal.member.forms import DetailsForm, EmailChangeForm
from portal.membership import details
from portal.security.inputs import query_int


def _page(form: DetailsForm, email_form: EmailChangeForm, status: int = 200):
    return render_template(
        "member/details.html", form=form, email_form=email_form,
        pending_email=details.pending_email(current_user),
    ), status


@bp.route("/details", methods=["GET", "POST"])
def my_details():
    form = DetailsForm(obj=current_user if request.method == "GET" else None)
    if form.validate_on_submit():
        changed = details.update_details(
            current_user, full_name=form.full_name.data,
            postal_address=form.postal_address.data or "", phone=form.phone.data or "",
        )
        flash("Your details are saved." if changed else "Nothing had changed.", "success")
        return redirect(url_for("member.my_details"))
    return _page(form, EmailChangeForm(formdata=None), 422 if form.errors else 200)


def _email_limit() -> str:
    return current_app.config["EMAIL_RATE_LIMIT"]


@bp.route("/details/email", methods=["POST"])
@limiter.limit(_email_limit, methods=["POST"])  # each press emails an address typed in
def details_email():
    """Send a confirming link to the new address; the change waits for it."""
    email_form = EmailChangeForm()
    if email_form.validate_on_submit():
        try:
            details.request_email_change(
                current_user, email_form.new_email.data, email_form.password.data
            )
        except details.WrongPassword:
            email_form.password.errors.append("That password is not right.")
        else:
            flash(f"We have sent a link to {email_form.new_email.data.strip()}. Your email "
                  "address changes when you open it.", "success")
            return redirect(url_for("member.my_details"))
    return _page(DetailsForm(obj=current_user, formdata=None), email_form, 422)


@bp.route("/details/email/<token>")
def details_email_confirm(token: str):
    new_email = details.confirm_email_change(current_user, token)
    if new_email is None:
        return render_template("member/email_link_invalid.html"), 404
    flash(f"Your email address is now {new_email}. We have told your old address.", "success")
    return redirect(url_for("member.my_details"))


@bp.route("/my-requests")
def my_requests():
    """Every request, open or closed, newest first; searchable."""
    text, state = request.args.get("q", ""), request.args.get("state", "")
    page = query_int("page", 1)
    if state not in ("", "open", "closed") or not 1 <= page <= 10000:
        abort(404)
    rows, total = details.my_requests(current_user, text, state, page)
    return render_template(
        "member/my_requests.html", rows=rows, total=total, q=text[:100], state=state,
        page=page, page_size=details.PAGE_SIZE,
    )
