"""Administration of employers and learning centres, and employers' support contacts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from wtforms import SelectChoice

from portal.accounts import services
from portal.accounts.models import Organisation, User
from portal.admin import bp
from portal.admin.forms import OrganisationForm, OrgSearchForm, page_after
from portal.extensions import db

PAGE_SIZE = 25


@bp.route("/organisations")
def organisations():
    form = OrgSearchForm(request.args)
    found: list[Organisation] = []
    if form.validate():
        found = services.search_organisations(
            form.q.data or "", form.kind.data or "", after=page_after(), limit=PAGE_SIZE + 1
        )
    has_next = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    next_args = None
    if has_next:
        next_args = {k: v for k, v in (("q", form.q.data), ("kind", form.kind.data)) if v}
        next_args["after"] = found[-1].id
    return render_template("admin/organisations.html", form=form, organisations=found,
                           next_args=next_args, first_page=page_after() is None)


def _staff_choices(form: OrganisationForm, org: Organisation | None) -> None:
    people = services.staff_choices()
    # Someone disabled since being chosen still shows, so the page says who it is now.
    for current in (org.support_contact, org.deputy_contact) if org else ():
        if current is not None and current not in people:
            people.append(current)
    choices = [SelectChoice(0, "Nobody")] + [
        SelectChoice(p.id, f"{p.full_name}{'' if p.is_enabled else ' (disabled)'}")
        for p in people
    ]
    form.support_contact.choices = choices
    form.deputy_contact.choices = list(choices)


def _person(user_id: int) -> User | None:
    return db.session.get(User, user_id) if user_id else None


def _save(org: Organisation | None):
    form = OrganisationForm(obj=org if (org and request.method == "GET") else None)
    _staff_choices(form, org)
    if org is not None:
        # The kind is fixed once made: people already belong to it as that kind.
        form.kind.data = org.kind
        if request.method == "GET":
            form.support_contact.data = org.support_contact_id or 0
            form.deputy_contact.data = org.deputy_contact_id or 0
    if form.validate_on_submit():
        try:
            saved = services.save_organisation(
                org, kind=form.kind.data, name=form.name.data,
                reference=form.reference.data or "", address=form.address.data or "",
                phone=form.phone.data or "", is_approved=form.is_approved.data,
                support_contact=_person(form.support_contact.data),
                deputy_contact=_person(form.deputy_contact.data),
            )
        except services.AccountError as exc:
            db.session.rollback()
            message = str(exc)
            target = form.reference if "reference" in message else form.deputy_contact
            if "Support contacts must" in message:
                target = form.support_contact
            target.errors.append(message)
        else:
            flash(f"{saved.name} saved.", "success")
            return redirect(url_for("admin.organisation_edit", org_id=saved.id))
    return render_template("admin/organisation_edit.html", form=form, org=org)


@bp.route("/organisations/new", methods=["GET", "POST"])
def organisation_new():
    return _save(None)


@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
def organisation_edit(org_id: int):
    org = db.session.get(Organisation, org_id) or abort(404)
    return _save(org)
