"""Who reads which articles, and where a reader may be sent back to.

Every published article is public at /help (a visitor may be a member who has not signed in);
the audiences decide which articles a question form suggests to whom. Only staff and
administrators write articles: the staff blueprint's role guard covers those pages.
"""

from __future__ import annotations

from portal.accounts.models import Role
from portal.help.models import Audience

#: The paths of the question forms a suggested article may send its reader back to.
QUESTION_FORM_PATHS = ("/contact/", "/member/requests/new/", "/employer/requests/new",
                       "/centre/requests/new")


def audiences_for(user) -> list[str]:
    """The audiences whose articles this person is offered while writing a question."""
    if user is None or not getattr(user, "is_authenticated", False):
        return [Audience.EVERYONE, Audience.MEMBERS, Audience.APPLICANTS]
    role = user.role
    if role == Role.MEMBER:
        membership = user.membership
        if membership is not None and membership.status == "applicant":
            return [Audience.EVERYONE, Audience.APPLICANTS]
        return [Audience.EVERYONE, Audience.MEMBERS]
    if role == Role.EMPLOYER:
        return [Audience.EVERYONE, Audience.EMPLOYERS]
    if role == Role.CENTRE:
        return [Audience.EVERYONE, Audience.CENTRES]
    return list(Audience)


def who_asks(user) -> str:
    """A word for the kind of person, kept with what they did with an article."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "visitor"
    return str(user.role)[:20]


def safe_question_path(path: str | None) -> str | None:
    """``path`` when it is one of our own question forms, else None (never an open redirect)."""
    if not path or len(path) > 200 or not path.startswith("/") or path.startswith("//"):
        return None
    if "\\" in path or any(ord(c) < 33 for c in path):
        return None
    return path if path.startswith(QUESTION_FORM_PATHS) else None
