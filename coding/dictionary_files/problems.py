"""Problems found in a dictionary file, and the error that carries all of them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a dictionary file.

    `location` names where: "row 7, latitude" for CSV (rows counted as a spreadsheet
    does, header = row 1), "places[3].country" for YAML (list indices from 0), or
    "line 4, column 9" for syntax errors. `message` says what, quoting the bad value.
    """

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class DictionaryFileError(ValueError):
    """Raised when a dictionary file (or a list of records to write) has problems.

    `problems` lists every problem found: those of each record in file order, then those
    between records (duplicate keys, unknown parents, parent loops). Nothing is read or
    written partially.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        summary = f"{count} problem{'s' if count != 1 else ''} in dictionary file"
        super().__init__("\n".join([summary, *(f"  {p}" for p in self.problems)]))
