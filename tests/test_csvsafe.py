"""portal.csvsafe: cells a spreadsheet could run as formulas stay text (OWASP)."""

from __future__ import annotations

from datetime import date

import pytest

from portal.csvsafe import safe_cell


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Amira Hassan", "Amira Hassan"),
        ("", ""),
        (None, ""),
        (-5, -5),
        (date(2026, 11, 2), date(2026, 11, 2)),
    ],
)
def test_formula_starts_are_escaped(value, safe):
    assert safe_cell(value) == safe
