"""Generator of realistic scanned batches, with their ground truth, for tests, benchmarks and the demo.

Renders the system's real separator documents (``sne.documents``) and synthetic
French pieces justificatives, then degrades them the way scanners and
photocopiers do. Not used in production paths.
"""
