"""What both portals share: security headers, error pages, session idle expiry, DSFR templates.

The guichet portal (``guichet_portal``) and the applicants' portal
(``public_portal``) each build their own Flask application and sign in their
own kind of account; the HTTP hardening and the page skeleton are the same
and live here, once. The DSFR macros stay in ``guichet_portal/templates/ui/``
(the one file a deployer replaces); ``gabarits.chargeur`` serves them to both.
"""
