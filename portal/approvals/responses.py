"""Response helpers shared by the centre's and staff's pages: downloads and live JSON."""

from __future__ import annotations

import hashlib
import json

from flask import Response, request

from portal import stored_files
from portal.approvals.documents import document_path
from portal.approvals.models import CentreDocument


def send_document(document: CentreDocument) -> Response:
    """A stored document as a download, never displayed inline: the browser gets the type we
    detected from its bytes and is told not to guess another."""
    return stored_files.download(document_path(document), document.content_type,
                                 document.original_name)


def live_json(payload: dict) -> Response:
    """JSON with a strong ETag from its content; a poll whose If-None-Match matches gets a
    bodiless 304, so a page checking every few seconds costs next to nothing."""
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    response = Response(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)
