"""Imports every area's models so the metadata (and Alembic) sees all tables."""

from portal.accounts import models as accounts  # noqa: F401
from portal.accounts import models as auth  # noqa: F401
from portal.approvals import models as centres  # noqa: F401
from portal.audit import models as audit  # noqa: F401
from portal.inbound import models as inbound  # noqa: F401
from portal.jobs import models as jobs  # noqa: F401
from portal.notify import models as notify  # noqa: F401
from portal.privacy import models as privacy  # noqa: F401
from portal.requests import models as requests  # noqa: F401
from portal.security import models as security  # noqa: F401
from portal.settings import models as settings  # noqa: F401
from portal.staff import models as staff  # noqa: F401
