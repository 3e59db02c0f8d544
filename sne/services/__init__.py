"""Use cases of the registration service; each takes a unit of work and an ``Acteur``."""
