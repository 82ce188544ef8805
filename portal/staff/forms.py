"""Staff console forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional


class AbsenceForm(FlaskForm):
    starts_on = DateField(
        "First day away", validators=[InputRequired(message="Enter the first day you are away.")]
    )
    ends_on = DateField(
        "Last day away", validators=[InputRequired(message="Enter the last day you are away.")]
    )
    note = StringField(
        "Note for colleagues",
        validators=[Optional(), Length(max=200, message="Keep the note to 200 characters.")],
    )
    submit = SubmitField("Record absence")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.ends_on.data < self.starts_on.data:
            self.ends_on.errors.append("The last day away must be on or after the first day.")
            return False
        return True
