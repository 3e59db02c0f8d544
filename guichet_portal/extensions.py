"""The Flask extensions, created once and bound to each application by ``create_app``."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
#: No default limit: only sign-in is throttled (per address and per account, see ``auth``).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
