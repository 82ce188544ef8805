"""Accounts: one user model with a role, organisations, member records, staff absences, and
what signing in keeps (single-use tokens, server-side sessions, two-step keys and codes)."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import in_values, utcnow
from portal.extensions import db


class Role(StrEnum):
    MEMBER = "member"
    EMPLOYER = "employer"
    CENTRE = "centre"
    STAFF = "staff"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.MEMBER: "Member",
    Role.EMPLOYER: "Employer contact",
    Role.CENTRE: "Learning centre",
    Role.STAFF: "Staff",
    Role.ADMIN: "Administrator",
}


class OrgRole(StrEnum):
    """What a centre's or employer's contact may do for their organisation."""

    #: Sees everything, changes everything, and manages colleagues' accounts.
    ADMIN = "admin"
    #: Sees the organisation's pages; changes nothing.
    VIEWER = "viewer"


ORG_ROLE_LABELS = {
    OrgRole.ADMIN: "Administrator",
    OrgRole.VIEWER: "Can only view",
}


class OrgKind(StrEnum):
    EMPLOYER = "employer"
    CENTRE = "centre"


class MemberStatus(StrEnum):
    APPLICANT = "applicant"
    ACTIVE = "active"
    LAPSED = "lapsed"
    RESIGNED = "resigned"


def _new_session_token() -> str:
    return secrets.token_urlsafe(16)


class Organisation(db.Model):
    """An employer customer or a learning centre."""

    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint(f"kind IN ({in_values(OrgKind)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    # Employers have an account number; approved centres a centre number.
    reference: Mapped[str | None] = mapped_column(String(30), unique=True)
    address: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    is_approved: Mapped[bool] = mapped_column(default=False)
    support_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL", use_alter=True)
    )
    deputy_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(
        back_populates="organisation", foreign_keys="User.organisation_id"
    )
    support_contact: Mapped[User | None] = relationship(foreign_keys=[support_contact_id])
    deputy_contact: Mapped[User | None] = relationship(foreign_keys=[deputy_contact_id])

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind} {self.name!r}>"


class User(UserMixin, db.Model):
    """Anyone who signs in. What they may do follows from ``role``."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(f"role IN ({in_values(Role)})", name="role"),
        CheckConstraint(f"organisation_role IN ({in_values(OrgRole)})", name="organisation_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER.value)
    job_title: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    postal_address: Mapped[str] = mapped_column(String(500), default="", server_default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    #: An employer or centre contact's rights in their organisation (administrator or view only).
    organisation_role: Mapped[str] = mapped_column(
        String(10), default=OrgRole.ADMIN.value, server_default=OrgRole.ADMIN.value
    )
    is_enabled: Mapped[bool] = mapped_column(default=True)
    email_verified_at: Mapped[datetime | None]
    # Part of the session identity: changing it ends every session of this user.
    session_token: Mapped[str] = mapped_column(String(64), default=_new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship(
        back_populates="users", foreign_keys=[organisation_id]
    )
    membership: Mapped[Membership | None] = relationship(
        back_populates="user", uselist=False, cascade="all, delete-orphan"
    )

    # Flask-Login
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_enabled

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]

    @property
    def account_label(self) -> str:
        """What the person is, in words: "Applicant" until a membership is granted, so
        nobody is called a member before they are one; otherwise the role's label."""
        if self.membership is not None and self.membership.status == "applicant":
            return "Applicant"
        return self.role_label

    @property
    def is_organisation_admin(self) -> bool:
        return self.organisation_role == OrgRole.ADMIN.value

    @property
    def organisation_role_label(self) -> str:
        return ORG_ROLE_LABELS[OrgRole(self.organisation_role)]

    @property
    def first_name(self) -> str:
        return self.full_name.split(" ", 1)[0]

    def rotate_session_token(self) -> None:
        """End every existing session and remember-me cookie of this user."""
        self.session_token = _new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role} {self.email}>"


class Membership(db.Model):
    """A member's (or applicant's) record with the organisation."""

    __tablename__ = "membership"
    __table_args__ = (
        CheckConstraint(f"status IN ({in_values(MemberStatus)})", name="status"),
        UniqueConstraint("user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    membership_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    grade: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=MemberStatus.APPLICANT.value)
    joined_on: Mapped[date | None]
    renewal_date: Mapped[date | None] = mapped_column(index=True)

    user: Mapped[User] = relationship(back_populates="membership")

    def __repr__(self) -> str:
        return f"<Membership {self.membership_number} {self.status}>"


class StaffAbsence(db.Model):
    """A period a staff member is away; their employers' deputy covers (CHARTER §4)."""

    __tablename__ = "staff_absence"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


# -- sign-in: tokens, sessions, two-step --------------------------------------------------


class AuthToken(db.Model):
    """A token emailed to a user. Only its SHA-256 is kept, so a database leak reveals none."""

    __tablename__ = "auth_token"
    __table_args__ = (CheckConstraint("purpose IN ('verify', 'reset')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """One signed-in browser. The cookie holds a random key; only its SHA-256 is kept here.

    The server decides whether a session is still good (idle and absolute limits, ended by
    sign-out, "sign out everywhere", a password change or an administrator), so a copied
    cookie stops working when the row says so (ASVS V7.2, V7.3, V7.4).
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    # Minutes without a request after which the session ends; None for "keep me signed in".
    idle_minutes: Mapped[int | None]
    is_remembered: Mapped[bool] = mapped_column(default=False)
    used_second_factor: Mapped[bool] = mapped_column(default=False)
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str] = mapped_column(String(40), default="")

    user: Mapped[User] = relationship()


class TwoFactor(db.Model):
    """A user's authenticator-app (TOTP) secret. ``confirmed_at`` is set once a code from the
    app has been accepted; until then the secret is only offered for enrolment."""

    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    # The 30-second time step of the last code accepted: a code works once (ASVS V6.5.1).
    last_step: Mapped[int | None]

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A single-use recovery code for when the authenticator app is lost, kept as an
    argon2id hash because it has less than 112 bits of entropy (ASVS V6.5.2)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
