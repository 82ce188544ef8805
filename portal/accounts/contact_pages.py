"""The colleagues page learning centres and employers share (issue 20): each side's views
are one line calling these, so both behave the same. The rules are in
:mod:`portal.accounts.contacts`."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts import contacts
from portal.accounts.forms import ColleagueRoleForm, InviteColleagueForm, RemoveColleagueForm
from portal.accounts.services import AccountError
from portal.extensions import db


def _organisation():
    organisation = current_user.organisation
    if organisation is None:
        abort(404)
    return organisation


def _page(area: str, invite_form=None, status: int = 200):
    organisation = _organisation()
    people = contacts.colleagues(organisation)
    role_forms = {}
    for person in people:
        form = ColleagueRoleForm(prefix=f"p{person.id}")
        form.role.data = person.organisation_role
        role_forms[person.id] = form
    return render_template(
        "accounts/colleagues.html",
        area=area,
        organisation=organisation,
        people=people,
        role_forms=role_forms,
        remove_form=RemoveColleagueForm(),
        invite_form=invite_form or InviteColleagueForm(),
        can_manage=current_user.is_organisation_admin,
    ), status


def colleagues(area: str):
    """Everyone with an account at the organisation, and (for administrators) the invite form."""
    return _page(area)


def invite(area: str):
    form = InviteColleagueForm()
    if form.validate_on_submit():
        try:
            person = contacts.invite_colleague(
                _organisation(), current_user, full_name=form.full_name.data,
                email=form.email.data, role=form.role.data,
            )
        except AccountError as exc:
            db.session.rollback()  # the page is shown again (200): commit nothing of it
            form.form_errors.append(str(exc))
        else:
            flash(f"Invitation sent to {person.email}. The link in it works for 7 days.",
                  "success")
            return redirect(url_for(f"{area}.colleagues"))
    return _page(area, invite_form=form)


def _change(area: str, user_id: int, change) -> object:
    organisation = _organisation()
    person = contacts.colleague_of(organisation, user_id) or abort(404)
    try:
        message = change(organisation, person)
    except AccountError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(message, "success")
    return redirect(url_for(f"{area}.colleagues"))


def change_role(area: str, user_id: int):
    # Someone else's colleague is missing (404) before anything about the form is said.
    contacts.colleague_of(_organisation(), user_id) or abort(404)
    form = ColleagueRoleForm(prefix=f"p{user_id}")
    if not form.validate_on_submit():
        flash("Choose a role from the list.", "error")
        return redirect(url_for(f"{area}.colleagues"))

    def change(organisation, person):
        contacts.set_colleague_role(organisation, current_user, person, form.role.data)
        return f"{person.full_name} is now: {person.organisation_role_label.lower()}."

    return _change(area, user_id, change)


def remove(area: str, user_id: int):
    contacts.colleague_of(_organisation(), user_id) or abort(404)
    if not RemoveColleagueForm().validate_on_submit():
        abort(400)

    def change(organisation, person):
        contacts.remove_colleague(organisation, current_user, person)
        return f"{person.full_name} has been removed and can no longer sign in."

    return _change(area, user_id, change)
