"""Place (gazetteer) and actor dictionary files: record types, YAML/CSV readers and
writers, and validation that reports every problem with its location.

Pure Python (PyYAML + csv); no Django. See docs/dictionaries.md for the formats.
"""

from coding.dictionary_files.api import (
    Format,
    read_actors,
    read_places,
    validate_actors,
    validate_places,
    write_actors,
    write_places,
)
from coding.dictionary_files.problems import DictionaryFileError, Problem
from coding.dictionary_files.records import (
    ACLED_INTER_CODES,
    FEATURE_KINDS,
    ActorRecord,
    Alias,
    PlaceRecord,
    derive_script,
)

__all__ = [
    "ACLED_INTER_CODES",
    "FEATURE_KINDS",
    "ActorRecord",
    "Alias",
    "DictionaryFileError",
    "Format",
    "PlaceRecord",
    "Problem",
    "derive_script",
    "read_actors",
    "read_places",
    "validate_actors",
    "validate_places",
    "write_actors",
    "write_places",
]
