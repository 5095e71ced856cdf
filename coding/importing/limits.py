"""Size limits of an article upload, in one place so the service and the docs agree.

Sizes are in bytes unless the name says characters (code points). The defaults are what the
web upload uses; tests and the command-line import may pass a smaller or larger
`ImportLimits` to `iter_article_rows`.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """Bounds that keep one upload from exhausting memory or the database columns."""

    #: Longest title, in code points after canonicalization.
    title_max_chars: int = 500
    #: Longest article text, in code points after canonicalization.
    text_max_chars: int = 1_000_000
    #: Longest external id, source and URL, in code points.
    external_id_max_chars: int = 200
    source_max_chars: int = 200
    url_max_chars: int = 2_000
    #: Longest physical line of a JSONL or CSV file (a JSONL line holds a whole article, and
    #: JSON escapes such as \u0627 take 6 bytes per Arabic letter).
    line_max_bytes: int = 16 * MIB
    #: A JSON list is decoded in one piece, so its size bounds the memory used (about 3x).
    json_max_bytes: int = 64 * MIB
    #: A plain-text file is one article.
    txt_max_bytes: int = 8 * MIB
    #: A zip may declare at most this many entries (files, folders and ignored entries)...
    zip_max_entries: int = 20_000
    #: ...and the members that are read may expand to at most this many bytes in total.
    zip_max_total_bytes: int = 200 * MIB
    #: The zip's central directory is read into memory before any member: bound it too.
    zip_max_directory_bytes: int = 8 * MIB


DEFAULT_LIMITS = ImportLimits()
