"""Cells of a CSV file people open in a spreadsheet (OWASP "CSV injection").

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
some also after a leading tab or carriage return. Text from customers, centres or staff
(a subject line such as ``=HYPERLINK(...)``, a learner's name) goes through :func:`safe_cell`
before it is written, so it stays text. Every CSV the portal writes uses this one function.
"""

from __future__ import annotations

#: Characters that make a spreadsheet treat a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` ready for a CSV writer: None as an empty cell, text that could start a formula
    with a leading apostrophe, anything else (numbers, dates) as it is."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
