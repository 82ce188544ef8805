"""One-click unsubscribe from news (RFC 8058): public, the signed link is the authority."""

from __future__ import annotations

from flask import render_template, request

from portal.accounts.models import User
from portal.extensions import csrf, db
from portal.notify import bp
from portal.notify.models import NEWS_TOPIC_LABELS, NewsTopic
from portal.notify.news import read_unsubscribe_token, unsubscribe


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"], endpoint="unsubscribe")
@csrf.exempt  # mail programs POST "List-Unsubscribe=One-Click" with no session or token
def unsubscribe_view(token: str):
    """GET asks for a confirming press (link scanners open GET links); POST unsubscribes.

    A POST is what RFC 8058 one-click sends, and what the confirm button sends. The answer
    is the same whether or not the member was still subscribed, so a repeat is harmless.
    """
    found = read_unsubscribe_token(token)
    if found is None or db.session.get(User, found[0]) is None:
        return render_template("notify/unsubscribe_invalid.html"), 404
    user_id, topic = found
    label = NEWS_TOPIC_LABELS[NewsTopic(topic)]
    if request.method == "POST":
        unsubscribe(user_id, topic)
        return render_template("notify/unsubscribed.html", topic_label=label)
    return render_template("notify/unsubscribe_confirm.html", topic_label=label, token=token)
