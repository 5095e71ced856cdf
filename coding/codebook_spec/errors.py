"""Errors raised for invalid codebook files."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a codebook file.

    ``path`` locates the offending value, e.g. ``event_types[3].children[1].code`` or
    ``fields[2].labels.de``; it is empty for problems with the text as a whole (syntax errors).
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class CodebookFileError(ValueError):
    """A codebook file is invalid; ``problems`` lists every problem found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in codebook file"
        super().__init__("\n".join([heading + ":", *(f"  {p}" for p in self.problems)]))


class UnknownPresetError(LookupError):
    """``load_preset`` was given a name that is not a file in fixtures/codebooks/."""
