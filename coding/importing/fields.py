"""Turn one raw row (a JSON object, or a CSV record mapped to field names) into an article.

`build_article` checks every field and returns either an `ArticleInput` or the list of all
problems found, one `RowError` per problem, in field order. It never raises for bad input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coding.importing.dates import InvalidDateError, parse_published_at
from coding.importing.limits import ImportLimits
from coding.importing.records import ArticleInput, RowError, quote_value
from coding.importing.values import (
    describe_forbidden_char,
    forbidden_char_in_json,
    forbidden_char_index,
    is_http_url,
    json_type_name,
    normalize_language_tag,
)
from coding.text.canonical import TextRejected, canonicalize, text_sha256
from coding.text.language import detect_language

REQUIRED_FIELDS = ("title", "text")
OPTIONAL_FIELDS = ("language", "source", "url", "published_at", "external_id", "metadata")
KNOWN_FIELDS = frozenset(REQUIRED_FIELDS + OPTIONAL_FIELDS)
#: An absent language is detected from this many first code points of the text.
LANGUAGE_DETECTION_CHARS = 1_000


class _RowProblems:
    """Collects the errors of one row so that each check can report and carry on."""

    def __init__(self, location: str, line: int) -> None:
        self.location = location
        self.line = line
        self.errors: list[RowError] = []

    def add(self, field: str | None, reason: str) -> None:
        self.errors.append(RowError(self.location, self.line, field, reason))


def build_article(
    values: Mapping[str, Any], *, location: str, line: int, limits: ImportLimits
) -> ArticleInput | list[RowError]:
    """Validate `values` (field name → JSON value) into an article.

    Keys that are not article fields are moved into `metadata`; a key that is both a top-level
    key and a key of the `metadata` object is an error (neither value would be right to drop).
    """
    problems = _RowProblems(location, line)
    title = _title(values, problems, limits)
    text = _text(values, problems, limits)
    language, language_detected = _language(values, problems, text)
    source = _plain_string(values, "source", problems, limits.source_max_chars, canonical=True)
    url = _url(values, problems, limits)
    published_at = None
    published_raw = _optional_string(values, "published_at", problems)
    if published_raw:
        try:
            published_at = parse_published_at(published_raw)
        except InvalidDateError as exc:
            problems.add("published_at", str(exc))
    external_id = _external_id(values, problems, limits)
    metadata = _metadata(values, problems)
    if problems.errors or title is None or text is None:
        return problems.errors
    return ArticleInput(
        location=location,
        line=line,
        title=title,
        text=text,
        text_sha256=text_sha256(text),
        language=language,
        language_detected=language_detected,
        source=source,
        url=url,
        published_at=published_at,
        external_id=external_id,
        metadata=metadata,
    )


def _optional_string(values: Mapping[str, Any], name: str, problems: _RowProblems) -> str:
    """The field as a string with surrounding whitespace removed; "" when absent or null."""
    value = values.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.add(name, f"{name}: must be a string, not {json_type_name(value)}")
        return ""
    if not _has_only_allowed_chars(value, name, problems):
        return ""
    return value.strip()


def _has_only_allowed_chars(value: str, name: str, problems: _RowProblems) -> bool:
    index = forbidden_char_index(value)
    if index is None:
        return True
    _report_forbidden_char(value, index, name, problems)
    return False


def _report_forbidden_char(value: str, index: int, name: str, problems: _RowProblems) -> None:
    """Report the NUL or lone surrogate at code-point `index` of `value` (1-based in the text)."""
    what = describe_forbidden_char(value[index])
    problems.add(name, f"{name}: contains {what} at character {index + 1}")


def _required_string(values: Mapping[str, Any], name: str, problems: _RowProblems) -> str | None:
    if values.get(name) is None:
        problems.add(name, f"{name}: is required{_case_hint(values, name)}")
        return None
    value = values[name]
    if not isinstance(value, str):
        problems.add(name, f"{name}: must be a string, not {json_type_name(value)}")
        return None
    # NUL and lone surrogates are left to canonicalize(), which scans for them anyway.
    return value


def _case_hint(values: Mapping[str, Any], name: str) -> str:
    for key in values:
        if isinstance(key, str) and key != name and key.strip().lower() == name:
            return f" (found {quote_value(key)}; field names are lower case)"
    return ""


def _canonical(value: str, name: str, problems: _RowProblems) -> str | None:
    try:
        return canonicalize(value)
    except TextRejected as exc:
        _report_forbidden_char(value, exc.index, name, problems)
        return None


def _check_length(value: str, name: str, limit: int, problems: _RowProblems) -> bool:
    if len(value) <= limit:
        return True
    problems.add(name, f"{name}: is {len(value):,} characters long; the limit is {limit:,}")
    return False


def _title(values: Mapping[str, Any], problems: _RowProblems, limits: ImportLimits) -> str | None:
    raw = _required_string(values, "title", problems)
    if raw is None:
        return None
    title = _canonical(raw, "title", problems)
    if title is None:
        return None
    # A title is one line: line breaks from spreadsheets or scrapers become single spaces.
    title = " ".join(title.split())
    if not title:
        problems.add("title", "title: is empty")
        return None
    return title if _check_length(title, "title", limits.title_max_chars, problems) else None


def _text(values: Mapping[str, Any], problems: _RowProblems, limits: ImportLimits) -> str | None:
    raw = _required_string(values, "text", problems)
    if raw is None:
        return None
    text = _canonical(raw, "text", problems)
    if text is None:
        return None
    if not text.strip():
        problems.add("text", "text: is empty")
        return None
    return text if _check_length(text, "text", limits.text_max_chars, problems) else None


def _language(
    values: Mapping[str, Any], problems: _RowProblems, text: str | None
) -> tuple[str, bool]:
    """(language tag, whether detection was used). Detection needs a valid text; when it is
    unsure the tag is "" (and detection was still used)."""
    given = _optional_string(values, "language", problems)
    if given:
        tag = normalize_language_tag(given)
        if tag is None:
            reason = 'is not a language code like "ar", "fr" or "ar-ML"'
            problems.add("language", f"language: {quote_value(given)} {reason}")
            return "", False
        return tag, False
    if text is None or any(error.field == "language" for error in problems.errors):
        return "", False
    # The opening of an article is enough to tell its language, and bounds the cost.
    return detect_language(text[:LANGUAGE_DETECTION_CHARS]) or "", True


def _plain_string(
    values: Mapping[str, Any],
    name: str,
    problems: _RowProblems,
    limit: int,
    *,
    canonical: bool,
) -> str:
    value = _optional_string(values, name, problems)
    if value and canonical:
        value = " ".join((_canonical(value, name, problems) or "").split())
    if value and not _check_length(value, name, limit, problems):
        return ""
    return value


def _url(values: Mapping[str, Any], problems: _RowProblems, limits: ImportLimits) -> str:
    url = _plain_string(values, "url", problems, limits.url_max_chars, canonical=False)
    if not url:
        return ""
    if not is_http_url(url):
        problems.add("url", f"url: {quote_value(url)} is not a valid http or https URL")
        return ""
    return url


def _external_id(values: Mapping[str, Any], problems: _RowProblems, limits: ImportLimits) -> str:
    value = values.get("external_id")
    # Numeric ids are common in feeds and spreadsheets; store their decimal form.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    external_id = _optional_string(values, "external_id", problems)
    if external_id and not _check_length(
        external_id, "external_id", limits.external_id_max_chars, problems
    ):
        return ""
    return external_id


def _metadata(values: Mapping[str, Any], problems: _RowProblems) -> dict[str, Any]:
    given = values.get("metadata")
    if given is None:
        metadata: dict[str, Any] = {}
    elif isinstance(given, dict):
        metadata = dict(given)
    else:
        problems.add("metadata", f"metadata: must be an object, not {json_type_name(given)}")
        return {}
    for key, value in values.items():
        if key in KNOWN_FIELDS:
            continue
        if key in metadata:
            problems.add(
                "metadata",
                f"metadata: {quote_value(key)} is given both as a top-level key and inside "
                "metadata",
            )
            continue
        metadata[key] = value
    bad = forbidden_char_in_json(metadata)
    if bad is not None:
        path, char = bad
        where = f" in {quote_value(path)}" if path else ""
        problems.add("metadata", f"metadata: contains {describe_forbidden_char(char)}{where}")
    return metadata
