"""Membership settings an administrator edits: the payment providers that are on, the grace
period after a renewal date, and each grade's subscription, criteria and required evidence.
Defaults apply until an administrator saves a change (docs/PAYMENTS.md)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from portal.audit.services import ACTIONS
from portal.audit.services import record as audit
from portal.database import utcnow
from portal.extensions import db
from portal.settings.models import MembershipSettings

ACTIONS["settings.membership"] = "Membership and payment settings changed"

PROVIDER_NAMES = ("stripe", "gocardless", "demo")
DEFAULT_GRACE_DAYS = 30
DEFAULT_GRADES = {
    "affiliate": {
        "fee_pence": 4500,
        "criteria": "An interest in the profession; no qualification needed.",
        "evidence": [],
    },
    "associate": {
        "fee_pence": 7500,
        "criteria": "A recognised qualification at level 3 or above, or two years' relevant work.",
        "evidence": ["A copy of your qualification certificate, or a reference from an employer"],
    },
    "member": {
        "fee_pence": 9500,
        "criteria": "A degree-level qualification and three years' relevant work.",
        "evidence": ["A copy of your highest qualification", "Your CV"],
    },
    "fellow": {
        "fee_pence": 14500,
        "criteria": "Ten years' senior practice and a significant contribution to the profession.",
        "evidence": ["Your CV", "A statement of your contribution", "Two references"],
    },
}


@dataclass(frozen=True)
class Grade:
    code: str
    name: str
    fee_pence: int
    criteria: str
    evidence: tuple[str, ...]

    @property
    def fee_text(self) -> str:
        return f"£{self.fee_pence // 100}.{self.fee_pence % 100:02d}"


def membership_settings(for_update: bool = False) -> MembershipSettings:
    """The settings row; a transient one with the defaults until an administrator saves."""
    row = db.session.get(MembershipSettings, 1)
    if row is None:
        row = MembershipSettings(
            id=1, enabled_providers=list(PROVIDER_NAMES), grace_days=DEFAULT_GRACE_DAYS, grades={}
        )
        if for_update:
            db.session.add(row)
    return row


def grades() -> dict[str, Grade]:
    """Every grade in order, with what the administrator set over the defaults."""
    saved = membership_settings().grades or {}
    found = {}
    for code, name in current_app.config["MEMBER_GRADES"]:
        values = {**DEFAULT_GRADES.get(code, {"fee_pence": 0, "criteria": "", "evidence": []})}
        values.update(saved.get(code, {}))
        found[code] = Grade(
            code, name, int(values["fee_pence"]), values["criteria"], tuple(values["evidence"])
        )
    return found


def fee_for(grade: str) -> int:
    found = grades().get(grade)
    return found.fee_pence if found else 0


def grace_days() -> int:
    return membership_settings().grace_days


def switched_on_providers() -> list[str]:
    """The providers an administrator switched on (``payments`` offers those configured)."""
    return [name for name in membership_settings().enabled_providers if name in PROVIDER_NAMES]


def save_membership_settings(
    *, providers: list[str], grace: int, grade_values: dict[str, dict], user=None
) -> MembershipSettings:
    """Save the providers that are on, the grace period and each grade's values."""
    row = membership_settings(for_update=True)
    row.enabled_providers = [name for name in providers if name in PROVIDER_NAMES]
    row.grace_days = grace
    row.grades = {
        code: {
            "fee_pence": int(values["fee_pence"]),
            "criteria": values["criteria"].strip(),
            "evidence": [line.strip() for line in values["evidence"] if line.strip()],
        }
        for code, values in grade_values.items()
    }
    row.updated_at = utcnow()
    db.session.flush()
    audit(
        "settings.membership",
        ("membership_settings", 1),
        actor=user,
        details={"providers": ", ".join(row.enabled_providers), "grace_days": grace},
    )
    return row
