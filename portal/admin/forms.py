"""Administration forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from portal.notify.models import NEWS_TOPIC_LABELS


class NewsForm(FlaskForm):
    topic = SelectField(
        "Topic",
        choices=[SelectChoice(topic.value, label) for topic, label in NEWS_TOPIC_LABELS.items()],
        description="Only members who chose this topic get the email.",
    )
    subject = StringField(
        "Subject",
        validators=[
            InputRequired("Enter a subject."),
            Length(max=200, message="Keep the subject to 200 characters or fewer."),
        ],
    )
    body = TextAreaField(
        "Message",
        description="Plain text. Leave a blank line between paragraphs. "
        "We add a greeting and the unsubscribe link.",
        validators=[
            InputRequired("Enter the message."),
            Length(max=20000, message="Keep the message to 20,000 characters or fewer."),
        ],
    )
