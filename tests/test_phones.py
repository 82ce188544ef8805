"""portal.phones: the one check and tidy form for phone numbers people type."""

from __future__ import annotations

import pytest

from portal.phones import normalise_phone


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("0117 496 0000", "0117 496 0000"),
        ("020 7946 0123", "020 7946 0123"),
        ("07700 900123", "07700 900123"),  # Ofcom drama range, mobile
        ("+44 1632 960 001", "01632 960001"),  # Ofcom drama range, geographic
        ("+1 202 555 0100", "+1 202-555-0100"),
        ("12345", None),  # "possible" by length alone, but no one can call it
        ("not a number", None),
    ],
)
def test_numbers_are_checked_and_tidied(typed, kept):
    assert normalise_phone(typed) == kept
