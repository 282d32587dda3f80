"""Errors a user can cause. Each carries a sentence fit to show as it is."""

from __future__ import annotations


class MusiclabError(Exception):
    """Base of every error the application reports to a person."""

    exit_code = 1


class NotFoundError(MusiclabError):
    """The thing asked for does not exist (CLI exit 3)."""

    exit_code = 3


class InvalidStateError(MusiclabError):
    """The thing exists but cannot do that now (CLI exit 4)."""

    exit_code = 4


class ValidationError(MusiclabError):
    """Input is malformed or out of range (CLI exit 5).

    ``field_errors`` maps a field name to its own message, so a form can flag each
    field inline and the CLI can print them all at once.
    """

    exit_code = 5

    def __init__(self, message: str, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.field_errors: dict[str, str] = dict(field_errors or {})

    @classmethod
    def from_fields(cls, field_errors: dict[str, str]) -> ValidationError:
        lines = [f"{name}: {message}" for name, message in field_errors.items()]
        noun = "value is" if len(lines) == 1 else "values are"
        summary = f"{len(lines)} configuration {noun} invalid: " + "; ".join(lines)
        return cls(summary, field_errors)


class StorageError(MusiclabError):
    """The data folder cannot be written now: a full disk, or another process holding
    the database (CLI exit 4, like any state that stops an action for now)."""

    exit_code = 4


class DataFolderError(MusiclabError):
    """The data folder's database cannot be used: damaged, lost, a folder where the file
    should be, or a read-only folder (CLI exit 6). The sentence says what is wrong and
    what to do (``musiclab doctor``, the backup to restore)."""

    exit_code = 6
