"""Whether an email really came from the address on its From line (issue #14).

Anyone can write any ``From:``. What a forger cannot write is the verdict of *our* receiving
mail server, which checks SPF, DKIM and DMARC and records the result in an
``Authentication-Results`` header (RFC 8601) under its own name, the authserv-id. We trust
only a header carrying an authserv-id named in ``INBOUND_TRUSTED_AUTHSERV_ID``, and only the
topmost one: each server prepends its header, so the first with our server's name is the one
it wrote; anything below it came with the message and may be forged.

The sender counts as verified when that header says ``dmarc=pass`` for the From domain, or
``dkim=pass`` for a signing domain aligned with it, or ``spf=pass`` for an envelope sender
aligned with it (relaxed alignment: the same domain, or one a subdomain of the other). No
trusted header, or none of those: not verified.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_RESULT = re.compile(r"^\s*([a-z0-9_-]+)\s*=\s*([a-z]+)\b(.*)$", re.IGNORECASE | re.DOTALL)
_PROPERTY = re.compile(r"\b([a-z]+\.[a-z_-]+)\s*=\s*\"?([^\s;\"]+)", re.IGNORECASE)
_COMMENT = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class Verdict:
    is_verified: bool
    why: str  # for staff, in words

    @property
    def note(self) -> str:
        if self.is_verified:
            return f"Sender verified: {self.why}."
        return f"Sender not verified: {self.why}."


def trusted_ids(setting: str | Iterable[str] | None) -> set[str]:
    """The authserv-ids we trust, from the setting (comma separated)."""
    if not setting:
        return set()
    items = setting.split(",") if isinstance(setting, str) else setting
    return {item.strip().lower() for item in items if item.strip()}


def _aligned(domain: str, from_domain: str) -> bool:
    domain, from_domain = domain.lower().strip("."), from_domain.lower().strip(".")
    if not domain or not from_domain:
        return False
    return (
        domain == from_domain
        or from_domain.endswith("." + domain)
        or domain.endswith("." + from_domain)
    )


def _results(header: str) -> list[tuple[str, str, dict[str, str]]]:
    """(method, result, properties) for each result in one header's value."""
    parts = _COMMENT.sub(" ", header).split(";")[1:]
    found = []
    for part in parts:
        match = _RESULT.match(part)
        if not match:
            continue
        props = {k.lower(): v.lower() for k, v in _PROPERTY.findall(match.group(3))}
        found.append((match.group(1).lower(), match.group(2).lower(), props))
    return found


def _authserv_id(header: str) -> str:
    first = _COMMENT.sub(" ", header).split(";", 1)[0].split()
    return first[0].lower() if first else ""


def sender_verdict(
    authentication_results: Sequence[str], sender_email: str, trusted: set[str]
) -> Verdict:
    """The verdict on ``sender_email`` from the message's ``Authentication-Results``
    headers (top first), trusting only the topmost one from a server in ``trusted``."""
    if not trusted:
        return Verdict(False, "no receiving mail server is trusted to check senders here")
    header = next((h for h in authentication_results if _authserv_id(h) in trusted), None)
    if header is None:
        return Verdict(False, "our mail server's check of the sender is missing")
    from_domain = sender_email.rpartition("@")[2].lower()
    passed = [(method, props) for method, result, props in _results(header) if result == "pass"]
    for method, props in passed:
        if method == "dmarc" and props.get("header.from", from_domain) == from_domain:
            return Verdict(True, f"DMARC passed for {from_domain}")
    for method, props in passed:
        if method == "dkim" and _aligned(props.get("header.d", ""), from_domain):
            return Verdict(True, f"DKIM signature of {props['header.d']} passed")
    for method, props in passed:
        mailfrom = props.get("smtp.mailfrom", "").rpartition("@")[2]
        if method == "spf" and _aligned(mailfrom, from_domain):
            return Verdict(True, f"SPF passed for {mailfrom}")
    return Verdict(False, f"no DMARC, DKIM or SPF pass for {from_domain or 'its address'}")
