"""E-certificates (issue 20): each issued certificate also as a PDF carrying a verification
code, which anyone can check on the public verification page. A reprint or correction issues
a new code and marks the old one superseded, so checking the old one says so.

Codes are random (not derived from ids), 12 characters from an alphabet without look-alike
letters, and grouped for reading aloud: ``7KQ4-MZ2P-X9DA``.
"""

from __future__ import annotations

import io
import re
import secrets
from datetime import datetime
from pathlib import Path

import segno
from fpdf import FPDF
from sqlalchemy import select

from portal import charter
from portal.accounts.models import User
from portal.audit.services import record as audit
from portal.certificates.models import CertificateCode, Completion
from portal.database import utcnow
from portal.extensions import db

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
#: States in which a certificate exists (signed off, on its way, or with the learner).
ISSUED = ("signed_off", "printed", "dispatched", "returned")
_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(text: str) -> str:
    """What a person typed, as a code: case, spaces and dashes do not matter."""
    raw = re.sub(r"[^0-9A-Za-z]", "", text or "").upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else ""


def issue_code(completion: Completion, now: datetime | None = None) -> CertificateCode:
    """A verification code for a newly signed-off certificate."""
    row = CertificateCode(code=new_code(), completion_id=completion.id,
                          learner_name=completion.learner_name, issued_at=now or utcnow())
    db.session.add(row)
    return row


def current_code(completion: Completion) -> CertificateCode | None:
    return db.session.scalar(
        select(CertificateCode).where(CertificateCode.completion_id == completion.id,
                                      CertificateCode.superseded_at.is_(None))
        .order_by(CertificateCode.id.desc()).limit(1)
    )


def reissue(completion: Completion, staff: User, reason: str, learner_name: str = "",
            now: datetime | None = None) -> CertificateCode:
    """A reprint or correction: the old code is superseded (with the reason, which checking
    it shows) and a new one issued; a corrected name goes on the new certificate."""
    if completion.status not in ISSUED:
        from portal.approvals.services import CentreError

        raise CentreError("Only a signed-off certificate can be reissued.")
    now = now or utcnow()
    reason = " ".join(reason.split())[:200] or "Reissued"
    old = current_code(completion)
    if old is not None:
        old.superseded_at = now
        old.superseded_reason = reason
    name = " ".join(learner_name.split())
    if name:
        completion.learner_name = name[:120]
    new = issue_code(completion, now)
    db.session.flush()
    audit("certificate.code_superseded", completion, actor=staff,
          summary=f"{completion.certificate_number}: {reason}",
          details={"old": old.id if old else None, "new": new.id})
    return new


def lookup(code_text: str) -> CertificateCode | None:
    code = normalise_code(code_text)
    if not code:
        return None
    return db.session.scalar(select(CertificateCode).where(CertificateCode.code == code))


def replacement_of(row: CertificateCode) -> CertificateCode | None:
    """The code that replaced a superseded one (the newest for the same certificate)."""
    return db.session.scalar(
        select(CertificateCode).where(CertificateCode.completion_id == row.completion_id,
                                      CertificateCode.id > row.id)
        .order_by(CertificateCode.id.desc()).limit(1)
    )


def certificate_pdf(completion: Completion, code: CertificateCode, verify_url: str) -> bytes:
    """The e-certificate: learner, qualification, dates, number, code and a QR code that
    opens the verification page."""
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(f"Certificate {completion.certificate_number}")
    pdf.add_page()
    family = "Helvetica"
    if _FONT.exists():
        pdf.add_font("DejaVu", fname=str(_FONT))
        family = "DejaVu"

    def text(value: str) -> str:
        return value if family == "DejaVu" else value.encode("latin-1", "replace").decode("latin-1")

    pdf.set_draw_color(29, 63, 110)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    pdf.set_font(family, size=14)
    pdf.set_y(28)
    pdf.cell(0, 10, "Member Services", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=30)
    label = "Unit certificate" if completion.claim_kind == "unit" else "Certificate"
    pdf.cell(0, 18, label, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=13)
    pdf.cell(0, 10, "This certifies that", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=24)
    pdf.cell(0, 14, text(code.learner_name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=13)
    pdf.cell(0, 10, "has achieved", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=18)
    pdf.multi_cell(0, 10, text(completion.qualification.label), align="C",
                   new_x="LMARGIN", new_y="NEXT")
    if completion.claim_kind == "unit" and completion.units:
        pdf.set_font(family, size=11)
        pdf.multi_cell(0, 7, text(f"Units: {completion.units}"), align="C",
                       new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=11)
    pdf.cell(0, 8, text(f"at {completion.organisation.name}"), align="C",
             new_x="LMARGIN", new_y="NEXT")
    issued = charter.format_london_date(completion.signed_off_at or code.issued_at, True)
    pdf.set_xy(20, 160)
    pdf.multi_cell(180, 6, text(
        f"Certificate number {completion.certificate_number}\nIssued {issued}\n"
        f"Verification code {code.code}\nCheck it at {verify_url}"
    ))
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=4, border=1)
    qr.seek(0)
    pdf.image(qr, x=240, y=150, w=35, h=35)
    return bytes(pdf.output())
