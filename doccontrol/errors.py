"""Errors that end a command with a message (never a traceback)."""

from __future__ import annotations


class DoccontrolError(Exception):
    """An error with a Vietnamese message for people and an English line beside it."""

    exit_code = 1

    def __init__(self, message_vi: str, message_en: str = "") -> None:
        super().__init__(message_en or message_vi)
        self.message_vi = message_vi
        self.message_en = message_en

    def render(self) -> str:
        if self.message_en and self.message_en != self.message_vi:
            return f"{self.message_vi}\n  ({self.message_en})"
        return self.message_vi


class WorkspaceError(DoccontrolError):
    """The workspace is missing, broken or busy: exit 2."""

    exit_code = 2


class UsageError(DoccontrolError):
    """The command was called wrongly (unknown code, bad option value): exit 2."""

    exit_code = 2


class NotFound(UsageError):
    """A procedure code or revision that does not exist."""
