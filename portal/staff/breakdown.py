"""The charter report by team, person, channel and organisation, with working-day buckets
(issue #16; CHARTER.md section 7).

The same promises and the same counting as :mod:`portal.staff.report` (what belongs to
the period, met, missed, not yet due), grouped another way. Beside the share met on time
each group shows *when*: met on working day 0 (the day the clock started), 1, 2 or 3 and
later; and for the missed ones, how late: by 1, 2 or 3 and more working days. Working days
are counted on the charter calendar, so the period's rows are read once and bucketed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, select

from portal.accounts.models import Organisation, User
from portal.charter import WorkingCalendar
from portal.extensions import db
from portal.staff import report
from portal.staff.report import SR
from portal.staff.teams import TEAMS, team_of_kind

DIMENSIONS = {"team": "Team", "person": "Person", "channel": "Channel",
              "organisation": "Organisation"}
MET_BUCKETS = ("Met on day 0", "Met on day 1", "Met on day 2", "Met on day 3 or later")
LATE_BUCKETS = ("Late by 1 working day", "Late by 2", "Late by 3 or more")
CHANNEL_NAMES = {"web": "Web form", "email": "Email", "phone": "Phone", "letter": "Letter",
                 "social": "Social media"}


@dataclass
class Group:
    key: str
    title: str
    met: int = 0
    missed: int = 0
    closed_early: int = 0
    pending: int = 0
    met_days: list[int] = field(default_factory=lambda: [0] * len(MET_BUCKETS))
    late_days: list[int] = field(default_factory=lambda: [0] * len(LATE_BUCKETS))

    @property
    def due(self) -> int:
        return self.met + self.missed + self.closed_early

    @property
    def share_met(self) -> float | None:
        decided = self.met + self.missed
        return self.met / decided if decided else None


def _bucket(days: int, size: int) -> int:
    return max(0, min(days, size - 1))


def _key_column(dimension: str):
    if dimension == "person":
        return SR.assignee_id
    if dimension == "channel":
        return SR.channel
    if dimension == "organisation":
        return SR.organisation_id
    return SR.kind


def groups_for(period: report.Period, now: datetime, dimension: str,
               cal: WorkingCalendar) -> tuple[list[Group], Group]:
    """One :class:`Group` per team, person, channel or organisation with anything in the
    period, busiest first, and the total."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    rows = db.session.execute(
        select(_key_column(dimension).label("k"), SR.kind, SR.clock_started_at,
               SR.response_due_at, SR.promise_met_at,
               case((report.is_met(), 1), else_=0).label("is_met"),
               case((report.is_missed(now), 1), else_=0).label("is_missed"),
               case((report.is_closed_early(), 1), else_=0).label("is_closed_early"))
        .where(report.falls_due_in(period))
    ).all()
    names = _names(dimension, {row.k for row in rows})
    groups: dict[str, Group] = {}
    total = Group("all", "All")
    today = cal.to_london(now).date()
    for row in rows:
        key = _group_key(dimension, row)
        group = groups.get(key) or groups.setdefault(key, Group(key, names.get(key, key)))
        for g in (group, total):
            _count(g, row, cal, today)
    ordered = sorted(groups.values(), key=lambda g: (-g.due, g.title))
    return ordered, total


def _group_key(dimension: str, row) -> str:
    if dimension == "team":
        team = team_of_kind(row.kind)
        return team.code if team else "other"
    return "none" if row.k is None else str(row.k)


def _count(g: Group, row, cal: WorkingCalendar, today) -> None:
    if row.is_met:
        g.met += 1
        started = cal.to_london(row.clock_started_at).date()
        met_on = cal.to_london(row.promise_met_at).date()
        g.met_days[_bucket(cal.working_days_between(started, met_on), len(MET_BUCKETS))] += 1
    elif row.is_missed:
        g.missed += 1
        due_on = cal.to_london(row.response_due_at).date()
        end = cal.to_london(row.promise_met_at).date() if row.promise_met_at else today
        late = max(1, cal.working_days_between(due_on, end))
        g.late_days[_bucket(late - 1, len(LATE_BUCKETS))] += 1
    elif row.is_closed_early:
        g.closed_early += 1
    else:
        g.pending += 1


def _names(dimension: str, keys: set) -> dict[str, str]:
    keys = {k for k in keys if k is not None}
    if dimension == "team":
        return {**{code: t.name for code, t in TEAMS.items()}, "other": "No team"}
    if dimension == "channel":
        return {k: CHANNEL_NAMES.get(k, k) for k in keys}
    if dimension == "person":
        found = db.session.execute(select(User.id, User.full_name).where(User.id.in_(keys)))
        return {**{str(i): n for i, n in found}, "none": "Nobody (unassigned)"}
    found = db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(keys)))
    return {**{str(i): n for i, n in found}, "none": "No organisation"}


def share_of(count: int, group: Group) -> str:
    return f"{round(100 * count / group.due)}%" if group.due else "–"

