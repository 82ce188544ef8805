"""Administration of people: find anyone, create staff accounts, change roles, disable."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from portal.accounts import services
from portal.accounts.models import Organisation, User
from portal.admin import bp
from portal.admin.forms import NewStaffForm, UserForm, UserSearchForm, page_after
from portal.extensions import db

PAGE_SIZE = 25


@bp.route("/users")
def users():
    """Everyone with an account, by name, searchable, a page at a time (keyset)."""
    form = UserSearchForm(request.args)
    found: list[User] = []
    if form.validate():
        found = services.search_users(
            form.q.data or "", form.role.data or "", after=page_after(), limit=PAGE_SIZE + 1
        )
    has_next = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    next_args = None
    if has_next:
        next_args = {k: v for k, v in (("q", form.q.data), ("role", form.role.data)) if v}
        next_args["after"] = found[-1].id
    return render_template("admin/users.html", form=form, users=found, next_args=next_args,
                           first_page=page_after() is None)


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = NewStaffForm()
    if form.validate_on_submit():
        try:
            user = services.create_staff_user(
                form.full_name.data, form.email.data, form.role.data,
                form.job_title.data or "", form.phone.data or "",
            )
        except services.AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            flash(f"Account created for {user.full_name}. We have emailed them a link to "
                  "choose their password.", "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


def _organisation_choices() -> list[SelectChoice]:
    orgs = services.organisations_by_name()
    kinds = {"employer": "employer", "centre": "learning centre"}
    return [SelectChoice(0, "None")] + [
        SelectChoice(o.id, f"{o.name} ({kinds[o.kind]})") for o in orgs
    ]


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user if request.method == "GET" else None)
    form.organisation.choices = _organisation_choices()
    if request.method == "GET":
        form.organisation.data = user.organisation_id or 0
    if form.validate_on_submit():
        organisation = (
            db.session.get(Organisation, form.organisation.data)
            if form.organisation.data else None
        )
        try:
            services.update_user(
                user, current_user, full_name=form.full_name.data, role=form.role.data,
                job_title=form.job_title.data or "", phone=form.phone.data or "",
                organisation=organisation,
            )
        except services.AccountError as exc:
            db.session.rollback()
            form.role.errors.append(str(exc))
        else:
            flash(f"{user.full_name}'s details saved.", "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template(
        "admin/user_edit.html", form=form, user=user,
        supports=services.organisations_supported_by(user),
    )


@bp.route("/users/<int:user_id>/enabled", methods=["POST"])
def user_enabled(user_id: int):
    """Disable or enable an account; disabling signs the person out everywhere."""
    user = db.session.get(User, user_id) or abort(404)
    enable = request.form.get("enable") == "1"
    try:
        services.set_enabled(user, current_user, enable)
    except services.AccountError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(f"{user.full_name}'s account is {'enabled' if enable else 'disabled'}."
              + ("" if enable else " They have been signed out."), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))
