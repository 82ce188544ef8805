"""Phone numbers people type: checked and tidied the one way, for staff to dial.

A UK number may be written any usual way (``01632 960 001``, ``+44 1632 960001``); a number
abroad needs its ``+`` country code. What is kept is the tidy form: national spacing for
the UK, international for anywhere else.
"""

from __future__ import annotations

import phonenumbers
from wtforms.validators import ValidationError

#: Ofcom's drama ranges that the phonenumbers data calls invalid (07700 900xxx, 01632
#: 960xxx). No real phone has these numbers, which is why the demo data and tests use them.
DRAMA_RANGES = ("7700900", "1632960")


def normalise_phone(text: str) -> str | None:
    """``text`` as a tidy number to dial, or None if it cannot be one."""
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        return None
    drama = number.country_code == 44 and str(number.national_number).startswith(DRAMA_RANGES)
    if not (
        phonenumbers.is_valid_number(number) or (drama and phonenumbers.is_possible_number(number))
    ):
        return None
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


class PhoneNumber:
    """A form validator: an empty field passes (pair it with a required check if needed);
    anything else must be a number we can call, and is replaced by its tidy form."""

    def __init__(
        self, message: str = "Enter a phone number we can call, like 07700 900123 or 020 7946 0000."
    ):
        self.message = message

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        tidy = normalise_phone(field.data)
        if tidy is None:
            raise ValidationError(self.message)
        field.data = tidy
