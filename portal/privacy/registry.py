"""Where each area plugs into the personal-data export and erasure.

An area that holds personal data registers two functions, once, at import:

    from portal.privacy.registry import ExportPart, register_eraser, register_exporter

    @register_exporter("requests")
    def export_requests(user) -> ExportPart:
        return ExportPart(rows=[...], files=[("requests/12/letter.pdf", path_or_bytes)])

    @register_eraser("requests")
    def erase_requests(user) -> None:
        ...  # remove or anonymise the area's personal data; keep what statistics need

Exporters return plain JSON-able rows and any files; erasers flush, never commit. Both run
inside the caller's transaction, so an erasure either happens everywhere or nowhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class ExportPart:
    rows: Any
    # (name inside the zip, file path or bytes)
    files: list[tuple[str, Path | bytes]] = field(default_factory=list)


#: What an erased person's name becomes wherever a record must stay.
ERASED_NAME = "Erased person"


def iso(value) -> str | None:
    """A date or instant as exported: ISO 8601, or None."""
    return value.isoformat() if value is not None else None


EXPORTERS: dict[str, Callable[[Any], ExportPart]] = {}
ERASERS: dict[str, Callable[[Any], None]] = {}


def register_exporter(name: str):
    def decorate(fn):
        EXPORTERS[name] = fn
        return fn

    return decorate


def register_eraser(name: str):
    def decorate(fn):
        ERASERS[name] = fn
        return fn

    return decorate
