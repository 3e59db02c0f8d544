"""Scanning library: separator QR codec, batch splitting; no database, no web."""
