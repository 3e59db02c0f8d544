"""``python -m guichet_portal``: serve the portal with gunicorn (see ``guichet_portal.serveur``)."""

import sys

from guichet_portal.serveur import main

sys.exit(main())
