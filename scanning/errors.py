"""The one error type of the scanning library: a stable code and a French message for operators."""

from __future__ import annotations


class ScanError(Exception):
    """A batch or a page that cannot be read, with the precise reason in French."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"
