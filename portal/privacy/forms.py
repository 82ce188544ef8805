from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class DownloadForm(FlaskForm):
    submit = SubmitField("Download my data")


class ErasureForm(FlaskForm):
    reason = TextAreaField(
        "Anything you want to tell us (optional)",
        validators=[Length(max=1000, message="Please keep this to 1,000 characters or fewer.")],
    )
    understood = BooleanField(
        "I understand my account will be closed and I will not be able to sign in again",
        validators=[DataRequired(message="Tick the box to confirm you understand.")],
    )
    submit = SubmitField("Ask us to erase my data")


class CarryOutForm(FlaskForm):
    """Staff confirm an erasure after reading what it removes; it cannot be undone."""

    confirm = BooleanField(
        "I understand this cannot be undone",
        validators=[DataRequired(message="Tick the box to confirm the erasure.")],
    )
    submit = SubmitField("Erase this person's data permanently")
