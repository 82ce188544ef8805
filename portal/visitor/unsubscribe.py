"""One-click unsubscribe from news (RFC 8058): public, the signed link is the authority."""

from __future__ import annotations

from flask import render_template, request

from portal.extensions import csrf
from portal.membership import news
from portal.visitor import bp


@bp.route("/email/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail programs POST "List-Unsubscribe=One-Click" with no session or token
def unsubscribe(token: str):
    """GET asks for a confirming press (link scanners open GET links); POST unsubscribes.

    A POST is what RFC 8058 one-click sends, and what the confirm button sends. The answer
    is the same whether or not the member was still subscribed, so a repeat is harmless.
    """
    found = news.find_unsubscribe(token)
    if found is None:
        return render_template("visitor/unsubscribe_invalid.html"), 404
    user_id, topic, label = found
    if request.method == "POST":
        news.unsubscribe(user_id, topic)
        return render_template("visitor/unsubscribed.html", topic_label=label)
    return render_template("visitor/unsubscribe_confirm.html", topic_label=label, token=token)
