"""Imports every area's models so the metadata (and Alembic) sees all tables."""

from portal.accounts import models as accounts  # noqa: F401
from portal.auth import models as auth  # noqa: F401
from portal.notify import models as notify  # noqa: F401
from portal.requests import models as requests  # noqa: F401
from portal.settings import models as settings  # noqa: F401
from portal.staff import models as staff  # noqa: F401
