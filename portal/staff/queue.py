"""The staff queue: open requests in the order they fall due (CHARTER.md section 7).

Ordering is by the stored ``next_due_at`` (see :func:`portal.requests.services.next_due`),
then id, read through a partial index that holds open requests only. Pages are found by
keyset (the last row's due instant and id), never OFFSET, so page 500 costs what page 1
does. "At risk" and "overdue" are decided in SQL by comparing the due instant with two
instants computed once per page: now, and now plus the at-risk office hours.

:func:`queue_page` is the one entry point; the view and the benchmark both call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select, tuple_, union
from sqlalchemy.orm import joinedload

from portal.charter import WorkingCalendar, add_office_seconds, status, time_left
from portal.charter.wording import office_time_left
from portal.database import utcnow
from portal.extensions import db
from portal.requests.models import OPEN_STATUSES, Channel, Kind, ServiceRequest, Status
from portal.requests.search import INDEX
from portal.search import fulltext
from portal.settings.services import get_calendar, office_settings
from portal.staff.teams import TEAMS

STATES = ("overdue", "at_risk", "due_today", "on_track", "no_date")
STATE_LABELS = {
    "overdue": "Overdue",
    "at_risk": "At risk",
    "due_today": "Due today",
    "on_track": "On track",
    "no_date": "Nothing due",
    "paused": "Paused",
}
#: Status words for staff (customers read "Waiting for your reply").
STAFF_STATUS_LABELS = {
    Status.RECEIVED.value: "Received",
    Status.WITH_TEAM.value: "With our team",
    Status.WAITING_CUSTOMER.value: "Waiting for the customer",
    Status.ANSWERED.value: "Answered",
    Status.RESOLVED.value: "Resolved",
    Status.CLOSED.value: "Closed",
}
ASSIGNEE_CHOICES = ("anyone", "mine", "unassigned")
OPEN_VALUES = [s.value for s in OPEN_STATUSES]
CLOSED_VALUES = [Status.RESOLVED.value, Status.CLOSED.value]
MAX_LIMIT = 200


#: Which cases a list covers: the queue works open ones; finding a case covers any.
SCOPES = {"open": "Open", "closed": "Resolved or closed", "all": "Open or closed"}
ALL_STATUS_VALUES = [s.value for s in Status]


@dataclass(frozen=True)
class QueueFilters:
    """What the person asked to see; unknown values are ignored rather than refused."""

    kind: str | None = None
    status: str | None = None
    assignee: str = "anyone"
    #: The signed-in staff member, for ``assignee="mine"``.
    me: int | None = None
    organisation_id: int | None = None
    state: str | None = None
    search: str = ""
    #: A team's kinds (see :mod:`portal.staff.teams`); None for every team.
    team: str | None = None
    scope: str = "open"
    channel: str | None = None

    @classmethod
    def from_args(cls, args, me: int | None, default_team: str | None = None,
                  scope: str = "open") -> QueueFilters:
        """Filters from a query string, dropping anything that is not a known value.

        With no ``team`` in the address the person's default team applies; ``team=all``
        shows every team."""
        kind = args.get("kind") or None
        status_ = args.get("status") or None
        assignee = args.get("assignee") or "anyone"
        state = args.get("state") or None
        org = args.get("organisation") or ""
        team = args.get("team", default_team) or None
        scope = args.get("scope") or scope
        channel = args.get("channel") or None
        scope = scope if scope in SCOPES else "open"
        statuses = OPEN_VALUES if scope == "open" else ALL_STATUS_VALUES
        return cls(
            kind=kind if kind in {k.value for k in Kind} else None,
            status=status_ if status_ in statuses else None,
            assignee=assignee if assignee in ASSIGNEE_CHOICES else "anyone",
            me=me,
            organisation_id=int(org) if org.isdigit() and len(org) < 10 else None,
            state=state if state in STATES else None,
            search=(args.get("q") or "").strip()[:120],
            team=team if team in TEAMS else None,
            scope=scope,
            channel=channel if channel in {c.value for c in Channel} else None,
        )


@dataclass(frozen=True)
class Thresholds:
    now: datetime
    at_risk_until: datetime
    today_ends: datetime
    at_risk_hours: float


@dataclass
class QueueRow:
    request: ServiceRequest
    due: datetime | None
    #: "overdue", "at_risk", "on_track", or "paused"/"no_date" when nothing is due.
    state: str
    seconds_left: int | None
    due_label: str
    time_words: str = field(default="")

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def thresholds(now: datetime | None = None, cal: WorkingCalendar | None = None) -> Thresholds:
    """The instants the states are decided by, for one moment (CHARTER.md section 7)."""
    now = now or utcnow()
    cal = cal or get_calendar()
    hours = float(office_settings().at_risk_hours)
    today = cal.to_london(now).date()
    return Thresholds(
        now=now,
        at_risk_until=add_office_seconds(now, hours * 3600, cal),
        today_ends=cal.london_instant(today + timedelta(days=1), time(0, 0)),
        at_risk_hours=hours,
    )


def _state_condition(state: str, t: Thresholds):
    due = ServiceRequest.next_due_at
    return {
        "overdue": due < t.now,
        "at_risk": and_(due >= t.now, due <= t.at_risk_until),
        "due_today": and_(due >= t.now, due < t.today_ends),
        "on_track": due > t.at_risk_until,
        "no_date": due.is_(None),
    }[state]


def base_conditions(filters: QueueFilters) -> list:
    conditions = []
    if filters.scope == "open":
        # Repeats the partial index's predicate, so the planner uses it.
        conditions.append(ServiceRequest.status.in_(OPEN_VALUES))
    elif filters.scope == "closed":
        conditions.append(ServiceRequest.status.in_(CLOSED_VALUES))
    if filters.kind:
        conditions.append(ServiceRequest.kind == filters.kind)
    if filters.team:
        conditions.append(ServiceRequest.kind.in_(TEAMS[filters.team].kinds))
    if filters.status:
        conditions.append(ServiceRequest.status == filters.status)
    if filters.channel:
        conditions.append(ServiceRequest.channel == filters.channel)
    if filters.assignee == "mine":
        conditions.append(ServiceRequest.assignee_id == filters.me)
    elif filters.assignee == "unassigned":
        conditions.append(ServiceRequest.assignee_id.is_(None))
    if filters.organisation_id:
        conditions.append(ServiceRequest.organisation_id == filters.organisation_id)
    if filters.search:
        conditions.append(search_condition(filters.search))
    return conditions


def is_exact(term: str) -> bool:
    """True when ``term`` is a whole reference or email address we hold."""
    return db.session.scalar(select(ServiceRequest.id).where(
        or_(ServiceRequest.reference == term.upper(),
            ServiceRequest.requester_email == term.lower())).limit(1)) is not None


def search_condition(term: str):
    """A reference or an email address exactly, or a case holding every word typed (each
    may be the start of a word) in its details or conversation, through the shared
    full-text index (issue #16).

    Written as one ``id IN (... UNION ...)`` so each part is an index lookup (the reference
    and email indexes, the search index) and the requests table is read by primary key,
    never scanned."""
    words = fulltext.terms(term)
    exact = or_(ServiceRequest.reference == term.upper(),
                ServiceRequest.requester_email == term.lower())
    if is_exact(term):
        # A whole reference or email address: its cases, without reading the search index
        # for words as common as the address's domain.
        return exact
    parts = [select(ServiceRequest.id).where(ServiceRequest.reference == term.upper()),
             select(ServiceRequest.id).where(ServiceRequest.requester_email == term.lower())]
    if words:
        every = fulltext.matches(INDEX, term, every_word=True).subquery()
        parts.append(select(every.c.key))
    return ServiceRequest.id.in_(union(*parts))


def state_counts(filters: QueueFilters, t: Thresholds) -> dict[str, int]:
    """How many requests match the filters in each state, in one aggregate query."""
    columns = [func.count(ServiceRequest.id).label("all")]
    for state in STATES:
        columns.append(
            func.coalesce(func.sum(case((_state_condition(state, t), 1), else_=0)), 0).label(state)
        )
    row = db.session.execute(select(*columns).where(*base_conditions(filters))).one()
    return {key: int(value) for key, value in row._mapping.items()}


def encode_cursor(due: datetime | None, request_id: int) -> str:
    return f"{due.isoformat() if due else 'none'}~{request_id}"


def decode_cursor(text: str | None) -> tuple[datetime | None, int] | None:
    """A cursor from a query string, or None when it is missing or not one we made."""
    if not text or len(text) > 80:
        return None
    due_text, _, id_text = text.partition("~")
    if not id_text.isdigit() or len(id_text) > 12:
        return None
    if due_text == "none":
        return None, int(id_text)
    try:
        due = datetime.fromisoformat(due_text)
    except ValueError:
        return None
    if due.tzinfo is None:
        return None
    return due, int(id_text)


def _fetch(conditions: list, after, limit: int, dated: bool) -> list[ServiceRequest]:
    due = ServiceRequest.next_due_at
    query = (
        select(ServiceRequest)
        .options(joinedload(ServiceRequest.assignee), joinedload(ServiceRequest.organisation))
        .where(*conditions)
    )
    if dated:
        query = query.where(due.is_not(None))
        if after is not None:
            query = query.where(tuple_(due, ServiceRequest.id) > tuple_(after[0], after[1]))
        query = query.order_by(due, ServiceRequest.id)
    else:
        query = query.where(due.is_(None))
        if after is not None:
            query = query.where(ServiceRequest.id > after[1])
        query = query.order_by(ServiceRequest.id)
    return list(db.session.scalars(query.limit(limit)).unique())


def queue_page(
    filters: QueueFilters,
    after: tuple[datetime | None, int] | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> tuple[list[QueueRow], str | None, dict[str, int]]:
    """One page of the queue: (rows, cursor for the next page or None, counts per state).

    Requests with a due instant come first, earliest first; those with nothing due follow
    by id. Each part is read as a range of the queue index, so a deep page is as cheap as
    the first. ``after`` is a decoded cursor (:func:`decode_cursor`).
    """
    limit = max(1, min(limit, MAX_LIMIT))
    cal = get_calendar()
    t = thresholds(now, cal)
    conditions = base_conditions(filters)
    if filters.state:
        conditions.append(_state_condition(filters.state, t))
    in_null_part = after is not None and after[0] is None
    found: list[ServiceRequest] = []
    if not in_null_part and filters.state != "no_date":
        found = _fetch(conditions, after, limit + 1, dated=True)
    if len(found) <= limit and filters.state in (None, "no_date"):
        found += _fetch(conditions, after if in_null_part else None, limit + 1 - len(found),
                        dated=False)
    more = len(found) > limit
    found = found[:limit]
    rows = [describe(r, t, cal) for r in found]
    cursor = encode_cursor(found[-1].next_due_at, found[-1].id) if more else None
    return rows, cursor, state_counts(filters, t)


def describe(request: ServiceRequest, t: Thresholds, cal: WorkingCalendar) -> QueueRow:
    """The state staff see for one request now, by the charter engine itself."""
    due = request.next_due_at
    if due is None:
        paused = request.status == Status.WAITING_CUSTOMER
        return QueueRow(request, None, "paused" if paused else "no_date", None,
                        "Waiting for the customer" if paused else "Nothing due",
                        "Paused" if paused else "")
    left = time_left(t.now, due, cal)
    state = status(t.now, due, cal, t.at_risk_hours)
    if request.promise_met_at is None and due == request.response_due_at:
        label = {
            Kind.CALLBACK.value: "Call back",
            Kind.APPLICATION.value: "Decision",
            Kind.UPGRADE.value: "Decision",
        }.get(request.kind, "First reply")
    elif due == request.resolution_due_at:
        label = "Resolution date"
    else:
        label = "Next update"
    return QueueRow(request, due, state, left, label, office_time_words(left, cal, due))


def office_time_words(seconds: int, cal: WorkingCalendar, due: datetime | None = None) -> str:
    """ "1 working day 2 hours left", or "overdue since 5pm on Friday 27 November"."""
    return office_time_left(seconds, cal.day_us // 1_000_000, due)


