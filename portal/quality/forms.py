"""Forms for quality visits (staff) and their actions (both sides)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.accounts.forms import strip_text
from portal.quality.models import OUTCOME_LABELS

ACTION_ROWS = 3


class VisitForm(FlaskForm):
    centre = SelectField("Centre", coerce=int, render_kw={"required": False},
                         validators=[InputRequired(message="Choose the centre.")])
    visited_on = DateField("Date of the visit", validators=[
        InputRequired(message="Enter the date of the visit, for example 2026-11-20.")])
    assessor_name = StringField("Assessor", filters=[strip_text], validators=[
        DataRequired(message="Enter the assessor's name."), Length(max=120)])
    outcome = RadioField("Outcome", choices=[SelectChoice(o.value, label) for o, label
                                             in OUTCOME_LABELS.items()],
                         validators=[InputRequired(message="Choose the outcome.")])
    summary = TextAreaField("Summary for the centre", filters=[strip_text],
                            validators=[Length(max=4000)])
    action_1 = StringField("Action 1", filters=[strip_text], validators=[Length(max=500)])
    due_1 = DateField("Action 1 due on", validators=[Optional()])
    action_2 = StringField("Action 2", filters=[strip_text], validators=[Length(max=500)])
    due_2 = DateField("Action 2 due on", validators=[Optional()])
    action_3 = StringField("Action 3", filters=[strip_text], validators=[Length(max=500)])
    due_3 = DateField("Action 3 due on", validators=[Optional()])
    submit = SubmitField("Record the visit")

    def actions(self) -> list:
        """The (description, due date) pairs filled in; a half-filled row is an error."""
        pairs = []
        for n in range(1, ACTION_ROWS + 1):
            text, due = self[f"action_{n}"], self[f"due_{n}"]
            if text.data and due.data:
                pairs.append((text.data, due.data))
            elif text.data:
                due.errors = [*due.errors, f"Enter when action {n} is due."]
            elif due.data:
                text.errors = [*text.errors, f"Describe action {n}, or clear its date."]
        return pairs


class EvidenceForm(FlaskForm):
    evidence = TextAreaField("What you did, and where we can see it", filters=[strip_text],
                             validators=[DataRequired(message="Say what you did."),
                                         Length(max=4000)])
    submit = SubmitField("Mark as done")


class ReviewForm(FlaskForm):
    note = TextAreaField("Note for the centre (needed to return it)", filters=[strip_text],
                         validators=[Length(max=2000)])
    accept = SubmitField("Accept")
    send_back = SubmitField("Return to the centre")
