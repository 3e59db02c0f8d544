"""``python -m public_portal``: serve the public portal with gunicorn (see ``public_portal.serveur``)."""

import sys

from public_portal.serveur import main

sys.exit(main())
