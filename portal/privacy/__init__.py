"""Personal data: a person downloads everything held about them, and asks for erasure,
which staff carry out within one calendar month (docs/SECURITY.md, V14)."""

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("privacy", __name__, url_prefix="/account/my-data")


@bp.before_request
@login_required
def _signed_in():
    return None


from portal.privacy import views  # noqa: E402,F401
