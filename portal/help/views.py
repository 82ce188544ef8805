"""The public help centre at /help: search, topics, audiences and each article at a stable
address; the live suggestions panel; and "This answered my question"."""

from __future__ import annotations

from flask import abort, render_template, request, session
from flask_login import current_user

from portal.help import bp, pages, rules, services
from portal.help.forms import AnsweredForm


def _arg(name: str, limit: int = 100) -> str:
    value = request.args.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


@bp.route("/")
def centre():
    context = pages.centre_page(_arg("q"), _arg("topic", 40), _arg("audience", 20))
    return render_template("help/centre.html", **context)


@bp.route("/<slug>")
def article(slug: str):
    context = pages.article_page(slug[:80])
    if context is None:
        abort(404)
    ask = rules.safe_question_path(_arg("ask", 200))
    return render_template("help/article.html", **context, ask=ask, form_kind=_arg("form", 30),
                           answered_form=AnsweredForm(article_id=context["version"].article_id))


@bp.route("/suggest")
def suggest():
    """The suggestions panel's fragment, for help-suggest.js (empty when nothing fits)."""
    hits = pages.suggestions_panel(_arg("q", 600), rules.audiences_for(current_user))
    response = render_template("help/_suggestions.html", hits=hits,
                               ask=rules.safe_question_path(_arg("ask", 200)),
                               form_kind=_arg("form", 30))
    return response, 200, {"Cache-Control": "no-store", "X-Fragment": "1"}


@bp.route("/answered", methods=["POST"])
def answered():
    """"This answered my question": counted once per article per visit; nothing is sent."""
    form = AnsweredForm()
    if not form.validate_on_submit():
        abort(400)
    counted = session.setdefault("help_answered", [])
    article_id = form.article_id.data
    if article_id not in counted:
        if not services.record_answered(article_id, rules.who_asks(current_user),
                                        form.form_kind.data or ""):
            abort(404)
        session["help_answered"] = [*counted, article_id][-20:]
    return render_template("help/answered.html")
