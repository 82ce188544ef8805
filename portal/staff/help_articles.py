"""The help centre's staff pages: write, edit, publish and archive articles, see their
versions, and see what people could not find (issue #18)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.services import staff_choices
from portal.clock import london_today
from portal.database import utcnow
from portal.help import console, services
from portal.help.forms import ArchiveForm, article_form
from portal.staff import bp


@bp.route("/help")
def help_articles():
    status = request.args.get("status", "")
    context = console.overview(current_user.id, london_today(), utcnow(), str(status)[:20])
    return render_template("staff/help/articles.html", **context)


def _edit_page(article, form):
    return render_template("staff/help/edit.html", article=article, form=form,
                           archive_form=ArchiveForm(),
                           changes=services.unpublished_changes(article) if article else [])


@bp.route("/help/new", methods=["GET", "POST"])
def help_article_new():
    form = article_form(None, staff_choices())
    if form.validate_on_submit():
        try:
            article, message = console.save_article(None, form, current_user.id)
        except services.HelpError as exc:
            form.form_errors.append(str(exc))
            return _edit_page(None, form)
        flash(message, "success")
        return redirect(url_for("staff.help_article_edit", article_id=article.id))
    return _edit_page(None, form)


@bp.route("/help/<int:article_id>", methods=["GET", "POST"])
def help_article_edit(article_id: int):
    article = services.staff_article(article_id) or abort(404)
    form = article_form(article, staff_choices())
    if form.validate_on_submit():
        try:
            _, message = console.save_article(article, form, current_user.id)
        except services.HelpError as exc:
            form.form_errors.append(str(exc))
            return _edit_page(article, form)
        flash(message, "success")
        return redirect(url_for("staff.help_article_edit", article_id=article.id))
    return _edit_page(article, form)


@bp.route("/help/<int:article_id>/archive", methods=["POST"])
def help_article_archive(article_id: int):
    article = services.staff_article(article_id) or abort(404)
    if not ArchiveForm().validate_on_submit():
        abort(400)
    services.archive(article, current_user.id)
    flash("Archived. It is no longer on the help centre or in search.", "success")
    return redirect(url_for("staff.help_articles"))


@bp.route("/help/<int:article_id>/versions")
def help_article_history(article_id: int):
    article = services.staff_article(article_id) or abort(404)
    return render_template("staff/help/history.html", article=article)
