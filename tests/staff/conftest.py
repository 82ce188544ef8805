"""Helpers for staff console tests."""

from __future__ import annotations

from tests.requests.conftest import submit  # noqa: F401  (the fixture, reused here)
