"""Forms on the member's own pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField

from portal.notify.models import NEWS_TOPIC_HINTS, NEWS_TOPIC_LABELS, NewsTopic


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
