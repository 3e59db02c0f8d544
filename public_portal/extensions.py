"""The public portal's own Flask extensions (its accounts are not the guichet portal's)."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
#: No default limit: sign-in, account creation, resets and linking are throttled one by one.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
