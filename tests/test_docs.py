"""A newcomer's first five minutes: the README and docs stand on their own, and `make run`
takes a port that the emailed links follow."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("document", _documents(), ids=lambda p: p.name)
def test_every_relative_link_stays_inside_the_repository(document):
    for target in _LINK.findall(document.read_text()):
        if re.match(r"^[a-z]+:", target):
            continue  # an absolute address (http:, mailto:), not a file
        resolved = (document.parent / target).resolve()
        assert ROOT in resolved.parents, f"{document.name} links outside: {target}"
        assert resolved.exists(), f"{document.name} links to a missing file: {target}"


def test_the_charter_rules_are_in_the_projects_own_docs():
    text = (ROOT / "docs" / "CHARTER.md").read_text()
    for section in range(1, 10):
        assert f"## {section}." in text


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_on_the_port_given_and_emails_follow_it():
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=5001"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "--port 5001" in plan
    assert "http://127.0.0.1:5001" in plan
