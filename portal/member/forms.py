"""Forms on the member's own pages."""

from __future__ import annotations

import re
import secrets

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField
from wtforms.validators import InputRequired

from portal.notify.models import NEWS_TOPIC_HINTS, NEWS_TOPIC_LABELS, NewsTopic

_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class NewsPreferencesForm(FlaskForm):
    """One tick box per news topic; service email is not a choice, so it has none."""

    events = BooleanField(
        NEWS_TOPIC_LABELS[NewsTopic.EVENTS], description=NEWS_TOPIC_HINTS[NewsTopic.EVENTS]
    )
    support = BooleanField(
        NEWS_TOPIC_LABELS[NewsTopic.SUPPORT], description=NEWS_TOPIC_HINTS[NewsTopic.SUPPORT]
    )
    content = BooleanField(
        NEWS_TOPIC_LABELS[NewsTopic.CONTENT], description=NEWS_TOPIC_HINTS[NewsTopic.CONTENT]
    )

    def chosen_topics(self) -> set[str]:
        return {topic.value for topic in NewsTopic if self[topic.value].data}


class RenewForm(FlaskForm):
    """Confirm grade and details, and choose how to pay (the choices are the providers an
    administrator switched on). The hidden key makes a double click one payment session."""

    provider = RadioField("How would you like to pay?", validators=[InputRequired(
        message="Choose how you would like to pay."
    )])
    confirm = BooleanField(
        "My name, email address and grade above are right",
        validators=[InputRequired(message="Confirm that your details are right.")],
    )
    submission_key = HiddenField()

    def fresh_key(self) -> None:
        if not self.submission_key.data or not _KEY.match(self.submission_key.data):
            self.submission_key.data = secrets.token_urlsafe(16)

