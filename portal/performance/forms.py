"""Staff forms for the published figures: a "You said, we did" note, and a correction."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.accounts.forms import strip_text


class NoteForm(FlaskForm):
    # Choices are the published months, filled in by the page; checked by the view.
    month = SelectField("Month", validate_choice=False)
    you_said = StringField("You said", filters=[strip_text], validators=[
        InputRequired(message="Say what customers told us."),
        Length(max=400, message="Keep it to 400 characters or fewer.")],
        description="What customers told us, in their words where you can. Name no one.")
    we_did = TextAreaField("We did", filters=[strip_text], validators=[
        InputRequired(message="Say what we changed."),
        Length(max=1000, message="Keep it to 1,000 characters or fewer.")])
    submit = SubmitField("Add the note")


class CorrectionForm(FlaskForm):
    month = SelectField("Month to correct", validate_choice=False)
    reason = TextAreaField("Why the figures are being corrected", filters=[strip_text],
                           validators=[
                               InputRequired(message="Say why the figures are being corrected."),
                               Length(max=500, message="Keep it to 500 characters or fewer.")],
                           description="Shown publicly with the correction and its date.")
    submit = SubmitField("Publish a correction")
