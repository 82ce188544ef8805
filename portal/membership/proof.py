"""Proof of membership: a certificate and a card as PDF, made on demand, each carrying a QR
code of a private verification link that says whether the membership is current, as of
now, and nothing else. An employer can check a member without calling staff."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import segno
from flask import current_app
from fpdf import FPDF
from sqlalchemy import select

from portal.accounts.models import Membership, MemberStatus, User
from portal.audit.services import ACTIONS
from portal.audit.services import record as audit
from portal.charter import format_date
from portal.clock import london_today
from portal.database import utcnow
from portal.extensions import db
from portal.membership.models import MembershipCheck
from portal.urls import external_url

ACTIONS["membership.check_link_replaced"] = "Membership verification link replaced"

ORGANISATION = "Member Services"
# A Unicode font where the system has one; otherwise the PDF core font, with any letter it
# cannot show folded to its nearest plain form.
FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)


def is_current(membership: Membership | None, today: date | None = None) -> bool:
    """Current: active, with a renewal date (the lapse job ends it after the grace period)."""
    return (
        membership is not None
        and membership.status == MemberStatus.ACTIVE.value
        and membership.renewal_date is not None
    )


def current_check(membership: Membership) -> MembershipCheck:
    """The membership's working verification link, made the first time it is needed."""
    found = db.session.scalar(
        select(MembershipCheck)
        .where(MembershipCheck.membership_id == membership.id, MembershipCheck.revoked_at.is_(None))
        .order_by(MembershipCheck.id.desc())
        .limit(1)
    )
    if found is None:
        found = MembershipCheck(membership_id=membership.id)
        db.session.add(found)
        db.session.flush()
    return found


def check_url(membership: Membership) -> str:
    """The public address printed on the PDFs (from ``PORTAL_BASE_URL``, as in emails)."""
    return external_url("visitor.verify_membership", token=current_check(membership).token)


def replace_check(user: User) -> MembershipCheck | None:
    """Stop every earlier link (and the QR codes printed with it) working; make a new one."""
    membership = user.membership
    if membership is None:
        return None
    for old in db.session.scalars(
        select(MembershipCheck).where(
            MembershipCheck.membership_id == membership.id, MembershipCheck.revoked_at.is_(None)
        )
    ):
        old.revoked_at = utcnow()
    db.session.flush()
    audit("membership.check_link_replaced", membership, subject=user)
    return current_check(membership)


@dataclass(frozen=True)
class CheckResult:
    is_valid: bool  # False: unknown or revoked link
    is_current: bool
    as_of: datetime


def check_status(token: str) -> CheckResult:
    """What the public page says about a link: current or not, as of now."""
    now = utcnow()
    row = None
    if 16 <= len(token) <= 64:
        row = db.session.scalar(select(MembershipCheck).where(MembershipCheck.token == token))
    if row is None or row.revoked_at is not None:
        return CheckResult(False, False, now)
    return CheckResult(True, is_current(row.membership), now)


# -- the PDFs ------------------------------------------------------------------------------


def _details(user: User) -> dict | None:
    membership = user.membership
    if not is_current(membership) or not membership.membership_number:
        return None
    grades = dict(current_app.config["MEMBER_GRADES"])
    return {
        "name": user.full_name,
        "number": membership.membership_number,
        "grade": grades.get(membership.grade, membership.grade),
        "valid_until": format_date(membership.renewal_date),
        "url": check_url(membership),
        "made_on": format_date(london_today()),
    }


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


class _Document(FPDF):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.set_auto_page_break(False)
        self.set_creator(ORGANISATION)
        self.unicode = all(Path(path).is_file() for path in FONT_PATHS)
        if self.unicode:
            self.add_font("Body", "", FONT_PATHS[0])
            self.add_font("Body", "B", FONT_PATHS[1])

    def use(self, size: float, bold: bool = False) -> None:
        self.set_font("Body" if self.unicode else "Helvetica", "B" if bold else "", size)

    def text_line(self, text: str, height: float, align: str = "C", width: float = 0) -> None:
        if not self.unicode:
            text = unicodedata.normalize("NFKD", text).encode("latin-1", "ignore").decode("latin-1")
        self.cell(width, height, text, new_x="LMARGIN", new_y="NEXT", align=align)


def certificate_pdf(user: User) -> io.BytesIO | None:
    """An A4 landscape certificate; None if the member has no current membership to prove."""
    details = _details(user)
    if details is None:
        return None
    pdf = _Document(orientation="landscape", format="A4")
    pdf.set_title("Membership certificate")
    pdf.add_page()
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_y(30)
    pdf.use(16)
    pdf.text_line(ORGANISATION, 10)
    pdf.use(30, bold=True)
    pdf.text_line("Certificate of membership", 20)
    pdf.use(14)
    pdf.text_line("This certifies that", 14)
    pdf.use(26, bold=True)
    pdf.text_line(details["name"], 18)
    pdf.use(14)
    pdf.text_line(f"is a {details['grade']}, membership number {details['number']},", 10)
    pdf.text_line(f"valid until {details['valid_until']}.", 10)
    pdf.set_y(150)
    pdf.use(10)
    pdf.text_line("To check this membership is current, scan the code or visit:", 6, "L", 200)
    pdf.text_line(details["url"], 6, "L", 200)
    pdf.text_line(f"Made on {details['made_on']}.", 6, "L", 200)
    pdf.image(_qr_png(details["url"]), x=237, y=140, w=40, h=40)
    return io.BytesIO(bytes(pdf.output()))


def card_pdf(user: User) -> io.BytesIO | None:
    """A card the size of a bank card (85.6 by 54 mm); None without a current membership."""
    details = _details(user)
    if details is None:
        return None
    pdf = _Document(orientation="landscape", format=(54, 85.6))
    pdf.set_title("Membership card")
    pdf.set_margins(4, 4, 4)
    pdf.add_page()
    pdf.use(7, bold=True)
    pdf.text_line(ORGANISATION, 4, "L", 50)
    pdf.use(10, bold=True)
    pdf.text_line(details["name"], 6, "L", 52)
    pdf.use(7)
    for line in (
        details["grade"],
        f"No. {details['number']}",
        f"Valid until {details['valid_until']}",
    ):
        pdf.text_line(line, 4.5, "L", 52)
    pdf.set_y(44)
    pdf.use(5)
    pdf.text_line("Scan to check this membership is current", 3, "L", 55)
    pdf.image(_qr_png(details["url"]), x=58, y=14, w=24, h=24)
    return io.BytesIO(bytes(pdf.output()))
