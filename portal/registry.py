"""Everything each area registers, imported once by ``create_app``: its tables (so the
metadata and Alembic see them all), its access rules (``rules.py``, for
``portal.security.policy``) and its part of the personal-data export and erasure
(``privacy.py``, for ``portal.privacy``)."""

from portal.accounts import models as accounts  # noqa: F401
from portal.accounts import rules as accounts_rules  # noqa: F401
from portal.approvals import models as approvals  # noqa: F401
from portal.approvals import rules as approvals_rules  # noqa: F401
from portal.audit import models as audit  # noqa: F401
from portal.certificates import models as certificates  # noqa: F401
from portal.certificates import privacy as certificates_privacy  # noqa: F401
from portal.certificates import rules as certificates_rules  # noqa: F401
from portal.help import models as help_articles  # noqa: F401
from portal.inbound import models as inbound  # noqa: F401
from portal.jobs import models as jobs  # noqa: F401
from portal.membership import models as membership  # noqa: F401
from portal.membership import privacy as membership_privacy  # noqa: F401
from portal.notices import models as notices  # noqa: F401
from portal.notify import models as notify  # noqa: F401
from portal.payments import models as payments  # noqa: F401
from portal.performance import models as performance  # noqa: F401
from portal.privacy import models as privacy  # noqa: F401
from portal.quality import models as quality  # noqa: F401
from portal.quality import rules as quality_rules  # noqa: F401
from portal.requests import models as requests  # noqa: F401
from portal.requests import privacy as requests_privacy  # noqa: F401
from portal.requests import rules as requests_rules  # noqa: F401
from portal.requests import search as requests_search  # noqa: F401
from portal.security import models as security  # noqa: F401
from portal.settings import models as settings  # noqa: F401
from portal.staff import models as staff  # noqa: F401
