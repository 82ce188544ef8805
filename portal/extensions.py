"""Extension objects, created unbound and initialised in ``create_app``."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from portal.database import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
# When its storage (Redis) cannot be reached the limiter counts in this process's memory
# instead, and tries Redis again after a growing pause; should even that fail, the request goes
# on unlimited rather than failing (docs/DEPLOY.md, "When Redis is down"). Flask-Limiter logs
# the switch once each way.
limiter = Limiter(
    key_func=get_remote_address, swallow_errors=True, in_memory_fallback_enabled=True
)
