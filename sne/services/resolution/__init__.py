"""Resolving what the pipeline held back: the operator's view of a lot and its decisions.

``vue`` shows a lot page by page (role, dossier, piece) and accounts for every
page; ``dossiers`` attaches or rejects a waiting dossier and places orphan and
unreadable pages; ``pieces`` qualifies pieces and fixes a wrong cut (move,
rotate, split, join); ``vignettes`` draws each page once into the file store;
``revue`` closes the review and prepares the notification mail listing the
decisions. Every decision is traced in the history (entity ``lot``), and after
every one each page of the lot is still accounted for exactly once.
"""
