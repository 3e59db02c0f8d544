"""The demonstration: a département with realistic demandes and a paper sending run end to end.

Outside the domain core: it draws data with ``synth`` and runs jobs with the
``workers`` queue. ``donnees`` builds the référentiel and the demandes through
the services; ``envoi`` runs a paper sending and an applicant's upload.
"""
