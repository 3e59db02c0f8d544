"""Printed documents (A4 PDF): attestation, fiche récapitulative, bordereau and sending."""
