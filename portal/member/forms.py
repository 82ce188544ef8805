"""Forms on the member's own pages."""

from __future__ import annotations

import re
import secrets

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField, TelField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.accounts.forms import current_password_field, email_field, strip_text
from portal.notify.models import NEWS_TOPIC_HINTS, NEWS_TOPIC_LABELS, NewsTopic
from portal.phones import PhoneNumber

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



class DetailsForm(FlaskForm):
    """Name, postal address and phone: they change at once."""

    full_name = StringField(
        "Full name",
        filters=[strip_text],
        validators=[InputRequired(message="Enter your name."), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    postal_address = TextAreaField(
        "Postal address",
        filters=[strip_text],
        validators=[Optional(), Length(max=500, message="Keep the address to 500 characters.")],
        description="Where we post certificates and letters.",
        render_kw={"autocomplete": "street-address", "rows": 4},
    )
    phone = TelField(
        "Phone number",
        filters=[strip_text],
        validators=[Optional(), Length(max=40), PhoneNumber()],
        render_kw={"autocomplete": "tel"},
    )


class EmailChangeForm(FlaskForm):
    """A new email address takes effect only once the link sent to it is opened."""

    new_email = email_field("New email address")
    password = current_password_field(
        "Your password", "Enter your password, so we know it is you."
    )
