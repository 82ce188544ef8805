"""Fields and filters the portal's forms share: the password policy, a new password typed
twice, the current password, an email address checked by shape, and the filter that trims
typed text. Password fields are never re-filled on a failed submit."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from portal.accounts.passwords import PASSWORD_MAX, PASSWORD_MIN, password_problem

#: Characters that show nothing: zero-width spaces and joiners, the word joiner, the byte
#: order mark and the soft hyphen. Text made only of these (and spaces) counts as empty.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"


def strip_text(value):
    """A form filter: typed text without leading or trailing spaces or invisible characters
    (other values as given), so text that shows nothing counts as empty."""
    if not isinstance(value, str):
        return value
    trimmed = value.strip()
    while trimmed and (trimmed[0] in INVISIBLE or trimmed[-1] in INVISIBLE):
        trimmed = trimmed.strip(INVISIBLE).strip()
    return trimmed


def size_check_attributes(max_bytes: int, max_files: int = 1) -> dict:
    """A file input's attributes that static/js/file-size.js reads to refuse an over-size
    file in the browser, before a long upload ends in the "too large" page and what was
    typed is lost; the server checks every file again behind it."""
    return {"data-max-bytes": str(max_bytes), "data-max-files": str(max_files)}


class PasswordPolicy:
    """Applies the password policy (portal.accounts.passwords.password_problem) to a new password.

    The person's email address and name come from the form's own fields when it has them
    (registration), else from ``form.account`` (the signed-in user, or the user a reset link
    belongs to), which the view sets before validating.
    """

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        account = getattr(form, "account", None)
        email = form.email.data if "email" in form else getattr(account, "email", None)
        name = form.full_name.data if "full_name" in form else getattr(account, "full_name", None)
        problem = password_problem(field.data, email=email, name=name)
        if problem:
            raise ValidationError(problem)


def new_password_validators():
    return [DataRequired(message="Enter a new password."), PasswordPolicy()]


def new_password_fields(*, first_time: bool = False) -> tuple[PasswordField, PasswordField]:
    """A new password under the policy and the same typed again: the one pair every form
    that sets a password uses (``password, confirm = new_password_fields()``).
    ``first_time`` words it for someone creating an account."""
    if first_time:
        labels = ("Create a password", "Type the password again", "Type your password again.")
        hint = f"At least {PASSWORD_MIN} characters. A few unrelated words work well."
    else:
        labels = ("New password", "Type the new password again", "Type your new password again.")
        hint = f"At least {PASSWORD_MIN} characters."
    password = PasswordField(
        labels[0],
        validators=new_password_validators(),
        description=hint,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        labels[1],
        validators=[
            DataRequired(message=labels[2]),
            EqualTo("password", message="The two passwords do not match."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


def current_password_field(
    label: str = "Password", message: str = "Enter your password."
) -> PasswordField:
    """The password a person already has, to sign in or to prove it is them."""
    return PasswordField(
        label,
        validators=[
            DataRequired(message=message),
            Length(max=PASSWORD_MAX, message="That password is too long."),
        ],
        render_kw={"autocomplete": "current-password"},
    )


class EmailAddress:
    """Checks an email address's shape, without DNS look-ups.

    ``test_environment`` lets the reserved ``.test`` domain through, which the demo and
    test accounts use; every other special-use domain is still refused.
    """

    message = "Enter an email address in the right format, like name@example.com."

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        try:
            validate_email(field.data.strip(), check_deliverability=False, test_environment=True)
        except EmailNotValidError:
            raise ValidationError(self.message) from None


def email_field(label: str = "Email address") -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired(message="Enter your email address."),
            Length(max=254, message="Email address must be 254 characters or fewer."),
            EmailAddress(),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


# -- an organisation's colleagues (portal.accounts.contacts) ---------------------------------


def _org_role_choices():
    from portal.accounts.models import ORG_ROLE_LABELS

    return [SelectChoice(role.value, label) for role, label in ORG_ROLE_LABELS.items()]


class InviteColleagueForm(FlaskForm):
    full_name = StringField(
        "Full name",
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter your colleague's full name."),
            Length(max=120, message="The name must be 120 characters or fewer."),
        ],
        render_kw={"autocomplete": "off"},
    )
    email = email_field("Their work email address")
    role = RadioField(
        "What they can do",
        choices=_org_role_choices(),
        default="viewer",
        validators=[DataRequired(message="Choose what your colleague can do.")],
    )
    submit = SubmitField("Send the invitation")


class ColleagueRoleForm(FlaskForm):
    role = SelectField("Role", choices=_org_role_choices())
    submit = SubmitField("Change role")


class RemoveColleagueForm(FlaskForm):
    submit = SubmitField("Remove")
