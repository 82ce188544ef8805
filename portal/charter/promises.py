"""The catalogue of charter promises (CHARTER.md section 4).

Targets are data: the app stores policy versions in its database and hands the engine either
a mapping of code to target or ready-made :class:`Promise` objects. The engine never reads
settings itself, so a due date computed under one policy version stays reproducible after the
targets change (CHARTER.md section 5, "a promise once shown does not move by itself").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class RuleKind(StrEnum):
    """How a promise's due date is computed (CHARTER.md section 3)."""

    #: 17:00 on the Nth working day after the day the clock started (that day is day 0).
    WORKING_DAYS = "working_days"
    #: N office hours after the clock started (callbacks: 8 hours = same time next working day).
    OFFICE_HOURS = "office_hours"
    #: 17:00 on the day the clock started, or next working day from the cut-off on.
    SAME_DAY = "same_day"
    #: The calendar date N days before a given date (renewal reminders: 28 days = four weeks).
    CALENDAR_DAYS_BEFORE = "calendar_days_before"


@dataclass(frozen=True)
class Promise:
    """One promise from the charter, with the target that applies to it.

    ``title`` is a short label for lists and reports; ``description`` is the sentence a
    customer reads. ``first_reply`` marks promises met by the first reply, which never pause
    (CHARTER.md section 5).
    """

    code: str
    title: str
    description: str
    kind: RuleKind
    target: int
    audience: str = ""
    met_when: str = ""
    first_reply: bool = True
    #: Verb phrase used in due-date sentences: "We will <action> by 5pm on ...".
    action: str = "reply"


def _days(n: int) -> str:
    return "1 working day" if n == 1 else f"{n} working days"


def _hours(n: int) -> str:
    return "1 office hour" if n == 1 else f"{n} office hours"


def _before(n: int) -> str:
    if n % 7 == 0:
        weeks = n // 7
        return "1 week" if weeks == 1 else f"{weeks} weeks"
    return "1 day" if n == 1 else f"{n} days"


# Each entry: title, audience, met-when, first-reply flag, action phrase, description builder.
# Descriptions are built from the target so that a changed target never leaves stale wording.
_CATALOGUE: dict[str, tuple[str, str, str, bool, str, RuleKind, int, Callable[[int], str]]] = {
    "callback": (
        "Call you back",
        "Anyone who leaves a phone message or asks us to ring",
        "We have called back and spoken to you or left a message",
        True,
        "call you back",
        RuleKind.OFFICE_HOURS,
        8,
        lambda n: (
            "Leave us a message or ask for a call and we will ring you back within "
            + ("one working day." if n == 8 else f"{_hours(n)}.")
        ),
    ),
    "query": (
        "Reply to your question",
        "Anyone, by web form, email, social media or letter",
        "You can see our first reply",
        True,
        "reply",
        RuleKind.WORKING_DAYS,
        3,
        lambda n: f"We will answer your question within {_days(n)}.",
    ),
    "complaint": (
        "Respond to your complaint",
        "Anyone",
        "Our first reply gives you a realistic date for putting things right",
        True,
        "respond and give you a date for putting things right",
        RuleKind.WORKING_DAYS,
        3,
        lambda n: (
            f"We will respond to your complaint within {_days(n)} and tell you when we expect "
            "to have put things right."
        ),
    ),
    "feedback": (
        "Acknowledge your feedback",
        "Anyone sharing ideas or views on our products, services or events",
        "You can see our first reply",
        True,
        "acknowledge your feedback",
        RuleKind.WORKING_DAYS,
        3,
        lambda n: (
            f"Within {_days(n)} we will let you know we have your feedback and are considering it."
        ),
    ),
    "membership-application": (
        "Decide on your membership application",
        "Applicants for membership",
        "We have made a decision and told you",
        False,
        "decide on your application and tell you the outcome",
        RuleKind.WORKING_DAYS,
        3,
        lambda n: (
            f"We will process your membership application and tell you the outcome "
            f"within {_days(n)}."
        ),
    ),
    "membership-upgrade": (
        "Decide on your membership upgrade",
        "Members",
        "We have made a decision and told you",
        False,
        "decide on your upgrade and tell you the outcome",
        RuleKind.WORKING_DAYS,
        3,
        lambda n: (
            f"We will process your upgrade request and tell you the outcome within {_days(n)}."
        ),
    ),
    "employer-support": (
        "Reply to your support request",
        "Employer customers, about system delivery and support",
        "Your support contact has replied",
        True,
        "reply",
        RuleKind.SAME_DAY,
        0,
        lambda n: (
            "Your named support contact will reply the same working day; requests that reach "
            "us late in the afternoon are answered the next working day."
        ),
    ),
    "centre-approval": (
        "Decide on your centre approval",
        "Learning organisations applying to become an approved centre",
        "We have approved or declined the application and given reasons",
        False,
        "approve or decline your application, with our reasons",
        RuleKind.WORKING_DAYS,
        10,
        lambda n: (
            f"Once your application is complete we will approve or decline it, with our "
            f"reasons, within {_days(n)}."
        ),
    ),
    "centre-support": (
        "Reply to your centre's question",
        "Learning centres, about our processes",
        "You can see our first reply",
        True,
        "reply",
        RuleKind.WORKING_DAYS,
        2,
        lambda n: f"We will answer your centre's question within {_days(n)}.",
    ),
    "certificate": (
        "Send the certificate",
        "Learning centres, for each learner's signed-off completion",
        "The certificate has been posted",
        False,
        "send the certificate",
        RuleKind.WORKING_DAYS,
        15,
        lambda n: (
            f"We will post each learner's certificate within {_days(n)} of the completion "
            "being fully signed off; delivery time depends on the postage used."
        ),
    ),
    # The extended services' promises (CHARTER.md section 9, issue 20).
    "claim-check": (
        "Check your centre's claim",
        "Learning centres, for each certificate claim we sign off ourselves",
        "We have signed off the claim or told you why not",
        False,
        "check the claim",
        RuleKind.WORKING_DAYS,
        5,
        lambda n: (
            f"Where our quality assurer signs off your claims, we will check each claim within "
            f"{_days(n)}; the certificate promise starts when we sign it off."
        ),
    ),
    "amendment": (
        "Complete your amendment or correction",
        "Learning centres, for a wrong detail on a record or certificate",
        "The amendment or correction is made",
        False,
        "complete the amendment",
        RuleKind.WORKING_DAYS,
        10,
        lambda n: f"We will complete an amendment or certificate correction within {_days(n)}.",
    ),
    "appeal": (
        "Acknowledge your appeal",
        "Learning centres appealing against a decision or disputing a result",
        "We have acknowledged the appeal",
        True,
        "acknowledge your appeal",
        RuleKind.WORKING_DAYS,
        3,
        lambda n: (
            f"We will acknowledge an appeal within {_days(n)} and then tell you the date of "
            "our decision."
        ),
    ),
    "appeal-decision": (
        "Decide your appeal",
        "Learning centres appealing against a decision or disputing a result",
        "We have decided the appeal and told you",
        False,
        "decide your appeal",
        RuleKind.WORKING_DAYS,
        20,
        lambda n: f"We will decide an appeal within {_days(n)} of receiving it.",
    ),
    "renewal-reminder": (
        "Remind you to renew",
        "Members",
        "The reminder has been sent",
        False,
        "remind you",
        RuleKind.CALENDAR_DAYS_BEFORE,
        28,
        lambda n: f"We will remind you {_before(n)} before your membership is due for renewal.",
    ),
}

#: The promise codes, in charter order.
PROMISE_CODES: tuple[str, ...] = tuple(_CATALOGUE)

#: Default targets (CHARTER.md section 4), as a plain mapping the app can store as a policy version.
DEFAULT_TARGETS: dict[str, int] = {code: entry[6] for code, entry in _CATALOGUE.items()}


def describe(code: str, target: int) -> str:
    """The customer-facing sentence for promise ``code`` with ``target`` (section 4)."""
    return _CATALOGUE[code][7](target)


def build_promises(targets: Mapping[str, int] | None = None) -> dict[str, Promise]:
    """The full catalogue with ``targets`` overriding the defaults (CHARTER.md sections 1 and 4).

    ``targets`` may name any subset of codes. Unknown codes and negative targets raise
    ``ValueError``; so does a zero target for anything but the same-day promise, since a
    zero-day deadline would fall due before the customer could be answered.
    """
    targets = dict(targets or {})
    unknown = set(targets) - set(_CATALOGUE)
    if unknown:
        raise ValueError(f"unknown promise code(s): {', '.join(sorted(unknown))}")
    out: dict[str, Promise] = {}
    for code, (
        title,
        audience,
        met_when,
        first_reply,
        action,
        kind,
        default,
        _desc,
    ) in _CATALOGUE.items():
        target = int(targets.get(code, default))
        if target < 0 or (target == 0 and kind is not RuleKind.SAME_DAY):
            raise ValueError(f"target for {code} must be positive, got {target}")
        out[code] = Promise(
            code=code,
            title=title,
            description=describe(code, target),
            kind=kind,
            target=target,
            audience=audience,
            met_when=met_when,
            first_reply=first_reply,
            action=action,
        )
    return out


#: The catalogue with the charter's default targets.
DEFAULT_PROMISES: Mapping[str, Promise] = build_promises()


@dataclass(frozen=True)
class PolicyVersion:
    """A named set of targets in force from a given instant (CHARTER.md section 5).

    The app stores these; due dates are computed with the version in force when the clock
    started and stored with the case, so later changes apply only to new requests.
    """

    label: str
    targets: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    effective_from: datetime | None = None

    def promises(self) -> dict[str, Promise]:
        """The catalogue under this version's targets."""
        return build_promises(self.targets)
