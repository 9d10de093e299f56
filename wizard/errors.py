"""Error types and the exit codes they map to (documented in README.md)."""

from __future__ import annotations

from .named_tuple import NamedTuple

EXIT_OK = 0
EXIT_PROBLEM = 1  # bad data, invalid input, nothing found, non-e-mail draft
EXIT_USAGE = 2  # unknown command/option, missing file, not a terminal
EXIT_CRASH = 70  # unexpected internal error (EX_SOFTWARE)
EXIT_INTERRUPTED = 130  # Ctrl-C
EXIT_TERMINATED = 143  # SIGTERM (128 + 15), as a shell reports a process the signal ended


class Terminated(KeyboardInterrupt):
    """SIGTERM to a front end: it ends like Ctrl-C (terminal restored, the call kept), exit 143."""


class Problem(NamedTuple):
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class KelaError(Exception):
    """Base for errors the CLI reports as one clean message."""

    exit_code = EXIT_PROBLEM


class DataError(KelaError):
    """The data files are unusable; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UsageError(KelaError):
    exit_code = EXIT_USAGE


class InputError(KelaError):
    """A user-supplied value (field, record, outcome id) is not acceptable."""


class PersonalDataError(InputError):
    """A field holds a henkilötunnus and the caller did not allow personal data.

    `fields` are the field keys (in field order); `labels` their Finnish labels
    when known. The message names them; front ends ask for a default-No
    confirmation instead, the CLI adds how to override.
    """

    def __init__(self, fields: list[str], labels: dict[str, str] | None = None) -> None:
        self.fields = list(fields)
        labels = labels or {}
        named = ", ".join(f"{key} ({labels[key]})" if key in labels else key for key in self.fields)
        which = "Kenttä" if len(self.fields) == 1 else "Kentät"
        verb = "sisältää" if len(self.fields) == 1 else "sisältävät"
        super().__init__(
            f"{which} {named} {verb} henkilötunnuksen: "
            "henkilötunnusta ei kannata lähettää tavallisessa sähköpostissa (tämän työkalun suositus)."
        )
