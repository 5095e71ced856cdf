"""Dictionary alias matching over Arabic / French / English text.

:class:`AliasMatcher` is built once from ``(entry_id, kind, alias)`` triples and finds aliases
in a text with one Aho–Corasick automaton (pyahocorasick) over *folded* aliases
(:mod:`coding.text.arabic`), so spelling variants that folding unifies (مالى / مالي,
أ / ا, ة / ه, harakat, tatweel, Persian letters, Eastern digits, accents, case) need no
extra aliases. Variants that folding does not unify (تمبكتو / تنبكتو, غاو / جاو / Gao) are
data: list them as aliases.

Rules, applied on the folded text:

* **Word boundaries**: the folded text is turned into a "match text" where every character
  that is not a letter or digit becomes a space ("\\n" stays "\\n"); every automaton key is the
  folded alias followed by a separator, so a key can only end at the end of a word. The start is
  checked in Python: the match must start a word, or follow an Arabic proclitic that is glued
  to it.
* **Proclitics**: conjunction و/ف, then preposition ب/ل/ك (وب, فل, ...), glued to the name;
  tatweel is removed by folding, so لـJNIM and بـمالي work like لJNIM and بمالي, for Latin
  and Arabic aliases alike. Aliases that begin with the article ال (الجيش المالي) also match
  after و ف ب ك (والجيش, بالجيش, وبالجيش) and in the elided form لل (للجيش = ل + الجيش).
  With ``article_prefix=True`` the article itself is also accepted before aliases without it
  (المالي, بالمالي, للمالي for مالي); it is off by default because المالي is mostly the
  adjective "Malian" (or "financial"), not the country.
  A proclitic is only accepted before aliases of at least three folded letters (two for
  Latin aliases, where the script change makes the split unambiguous).
* **Reported span** = the name only, proclitics excluded: بمالي → مالي, وبغاو → غاو,
  لـJNIM → JNIM. For the elided article, للجيش المالي → لجيش المالي: the first ل is the
  preposition, the second is the article's lam, which belongs to the name. ``word_start`` gives
  the start of the written word including its proclitics (what a double-click selects).
  Spans end after any harakat on the last letter.
* **Overlaps**: the longest name (in folded characters) wins, then the earliest; several
  entries sharing exactly the same span (an ambiguous alias) are all reported.

Matches are suggestions for coders to confirm: مالي is also "financial", وولد may be و + ولد.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick
import regex

from coding.text.arabic import Folded, fold
from coding.text.asides import Aside, part, windows, without_asides
from coding.text.context import (
    ALIAS_EXACT,
    ALIAS_VARIANT,
    AMBIGUOUS,
    context_confidence,
    has_extra_hamza,
    is_common_noun,
)
from coding.text.variants import spelling_variants

__all__ = ["AliasMatcher", "Match", "alias_key", "normalize_for_search"]

_NON_WORD = regex.compile(r"[^\p{L}\p{N}\n]+")
_IS_WORD_CHAR = regex.compile(r"[\p{L}\p{N}\n]")
# ord(char) -> " " for characters that are not letters/digits/newline (grown lazily).
_SEPARATOR_TABLE: dict[int, str] = {}
_WORD_CHARS: set[str] = set()
_SPACES = regex.compile(r" +")
_ARABIC_LETTER = regex.compile(r"\p{Script=Arabic}")

_CONJUNCTIONS = ("", "و", "ف")
_PREPOSITIONS = ("", "ب", "ل", "ك")
# Proclitic sequences glued to any name: [وف]?[بلك]?
_PREFIXES: frozenset[str] = frozenset(c + p for c in _CONJUNCTIONS for p in _PREPOSITIONS)
# With the article before a name that lacks it: [وف]?[بك]?ال and [وف]?لل (ل + ال).
_ARTICLE_PREFIXES: frozenset[str] = frozenset(
    [c + p + "ال" for c in _CONJUNCTIONS for p in ("", "ب", "ك")]
    + [c + "لل" for c in _CONJUNCTIONS]
)
# Before the elided key of an ال-alias (key لجيش for الجيش, found in للجيش / وللجيش).
_ELIDED_PREFIXES: frozenset[str] = frozenset({"ل", "ول", "فل"})
_MAX_PREFIX = 4
_MIN_ARABIC_WITH_PREFIX = 3
# How far before a name the context rules (coding.text.context) look, in folded characters.
_CONTEXT_REACH = 60
_MIN_LATIN_WITH_PREFIX = 2


def _key_from_folded(folded: str) -> str:
    """Alias key from folded text: non-letters/digits become single spaces, trimmed."""
    return _SPACES.sub(" ", _NON_WORD.sub(" ", folded.replace("\n", " "))).strip()


def alias_key(alias: str) -> str:
    """The folded key under which ``alias`` is matched (and stored for dictionary search)."""
    return _key_from_folded(fold(unicodedata.normalize("NFC", alias)).text)


def normalize_for_search(query: str) -> str:
    """Fold a search query the same way aliases are folded, so that searching مالى finds
    مالي, "menaka" finds Ménaka, and "Al-Qaïda" finds "al qaida". Store ``alias_key(alias)``
    in the database and compare it with ``normalize_for_search(query)``."""
    return alias_key(query)


@dataclass(frozen=True, slots=True)
class Match:
    """An alias found in a text. ``[start, end)`` are code points in the original text and
    cover the name only (no proclitic); ``word_start`` is where the written word begins
    (``== start`` when there is no proclitic; None only for hand-built instances)."""

    entry_id: int
    kind: str
    alias: str
    start: int
    end: int
    word_start: int | None = None
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class _Target:
    """What one automaton key stands for."""

    entries: tuple[tuple[int, str, str], ...]  # (entry_id, kind, alias) sharing the key
    prefixes: frozenset[str]  # proclitic sequences accepted before it
    min_len_with_prefix: int
    confidence: float = ALIAS_EXACT  # ALIAS_VARIANT for generated spellings


def _match_text(folded_text: str) -> str:
    """``folded_text`` with every character that is not a letter, digit or "\\n" replaced by a
    space (same length), plus a final space so that a key can end at the end of the text."""
    for ch in set(folded_text).difference(_WORD_CHARS):
        if ord(ch) in _SEPARATOR_TABLE:
            continue
        if _IS_WORD_CHAR.match(ch):
            _WORD_CHARS.add(ch)
        else:
            _SEPARATOR_TABLE[ord(ch)] = " "
    return folded_text.translate(_SEPARATOR_TABLE) + " "


# (start, end, word_start, (entry_id, kind, alias), confidence) in folded-text indices.
_Candidate = tuple[int, int, int, tuple[int, str, str], float]


def _without_quotes(folded: Folded) -> Folded:
    """``folded`` without its double quotes (folding turns « » “ ” „ into "), so that a name
    written بـ"أنصار الدين" or with a quoted last word (لتحرير «أزواد») matches like the
    plain name. Offsets still map to the original text."""
    if '"' not in folded.text:
        return folded
    text = folded.text
    kept: list[int] = []
    for i, ch in enumerate(text):
        # Drop the quote, and a space it leaves doubled (« أزواد » inside a name).
        if ch == '"' or (ch == " " and kept and text[kept[-1]] == " "):
            continue
        kept.append(i)
    to_original = [folded.to_original[i] for i in kept] + [folded.to_original[-1]]
    return Folded("".join(text[i] for i in kept), to_original, folded.source)


def _spans_an_aside(match: Match, asides: list[Aside]) -> bool:
    return any(match.start < a.start and a.end < match.end for a in asides)


def _with_names_across_asides(
    matches: list[Match], across: list[Match], asides: list[Aside]
) -> list[Match]:
    """``matches`` plus the names found across an aside, which shadow the matches they
    overlap (a shorter part of the name, a place inside it), except those inside the aside
    itself (a place named in the remark is still a place)."""

    def inside_an_aside(m: Match) -> bool:
        return any(a.start <= m.start and m.end <= a.end for a in asides)

    kept = [
        m
        for m in matches
        if inside_an_aside(m) or not any(m.start < n.end and n.start < m.end for n in across)
    ]
    return sorted(kept + across, key=lambda m: (m.start, m.end, m.entry_id))


def _is_arabic(key: str) -> bool:
    return _ARABIC_LETTER.match(key) is not None


class AliasMatcher:
    """Aho–Corasick alias matcher with Arabic proclitic handling (see the module docstring)."""

    def __init__(
        self, entries: Iterable[tuple[int, str, str]], *, article_prefix: bool = False
    ) -> None:
        by_key: dict[str, dict[tuple[int, str], str]] = {}
        elided_keys: dict[str, dict[tuple[int, str], str]] = {}
        self.skipped_aliases: list[tuple[int, str, str]] = []
        count = 0
        for entry_id, kind, alias in entries:
            key = alias_key(alias)
            if not key:
                self.skipped_aliases.append((entry_id, kind, alias))
                continue
            count += 1
            by_key.setdefault(key, {}).setdefault((entry_id, kind), alias)
            if key.startswith("ال") and len(key) > 3:
                elided_keys.setdefault(key[1:], {}).setdefault((entry_id, kind), alias)
        self.alias_count = count
        self.keys: frozenset[str] = frozenset(by_key)
        # generated spellings may be a letter longer than their alias (تمبكتو → تومبكتو)
        self._longest_key = max(map(len, by_key), default=0) + 1 + _MAX_PREFIX
        automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        variant_keys: dict[str, dict[tuple[int, str], str]] = {}
        for key, owners in by_key.items():
            for (entry_id, kind), alias in owners.items():
                for variant in spelling_variants(key, kind):
                    if variant not in by_key:  # a real alias always beats a generated one
                        variant_keys.setdefault(variant, {}).setdefault((entry_id, kind), alias)
        for confidence, keys in ((ALIAS_EXACT, by_key), (ALIAS_VARIANT, variant_keys)):
            for key, owners in keys.items():
                arabic = _is_arabic(key)
                prefixes = _PREFIXES
                if arabic and article_prefix and not key.startswith("ال"):
                    prefixes = _PREFIXES | _ARTICLE_PREFIXES
                targets = [
                    _Target(
                        tuple((eid, kind, alias) for (eid, kind), alias in owners.items()),
                        prefixes,
                        _MIN_ARABIC_WITH_PREFIX if arabic else _MIN_LATIN_WITH_PREFIX,
                        confidence,
                    )
                ]
                self._add(automaton, key, targets)
        for key, owners in elided_keys.items():
            target = _Target(
                tuple((eid, kind, alias) for (eid, kind), alias in owners.items()),
                _ELIDED_PREFIXES,
                _MIN_ARABIC_WITH_PREFIX,
            )
            self._add(automaton, key, [target])
        automaton.make_automaton()
        self._automaton = automaton

    @staticmethod
    def _add(automaton: ahocorasick.Automaton, key: str, targets: list[_Target]) -> None:
        # A key ends at a word end: followed by a space or a newline in the match text.
        for separator in (" ", "\n"):
            existing = automaton.get(key + separator, None)
            value = (len(key), (existing[1] if existing else []) + targets)
            automaton.add_word(key + separator, value)

    def __len__(self) -> int:
        """Number of aliases indexed (after dropping those that fold to nothing)."""
        return self.alias_count

    def find(self, text: str) -> list[Match]:
        """All alias matches in ``text``, sorted by (start, entry_id); see module docstring."""
        folded = fold(text)
        return self.find_folded(folded)

    def find_folded(self, folded: Folded) -> list[Match]:
        """Like :meth:`find` on an already folded text (to share one fold between passes)."""
        if not self.keys:  # an empty automaton cannot be searched (pyahocorasick refuses)
            return []
        folded = _without_quotes(folded)
        matches = self._find(folded)
        stripped, asides = without_asides(folded)
        if asides:
            # Only the text around each aside is searched again: a name across it is never
            # longer than the longest key (with its proclitics) on either side, and the
            # context rules look a few words further back.
            reach = self._longest_key + _CONTEXT_REACH
            across: list[Match] = []
            for lo, hi in windows(asides, reach, len(stripped.text)):
                found = self._find(part(stripped, lo, hi))
                across += [m for m in found if _spans_an_aside(m, asides)]
            if across:
                matches = _with_names_across_asides(matches, across, asides)
        return matches

    def _find(self, folded: Folded) -> list[Match]:
        match_text = _match_text(folded.text)
        candidates: list[_Candidate] = []
        for last, (length, targets) in self._automaton.iter(match_text):
            end = last  # the separator is at `last`; the name ends before it
            start = end - length
            word_start = start
            while word_start > 0 and match_text[word_start - 1] not in " \n":
                word_start -= 1
                if start - word_start > _MAX_PREFIX:
                    break
            prefix = match_text[word_start:start]
            for target in targets:
                if prefix and (
                    prefix not in target.prefixes or length < target.min_len_with_prefix
                ):
                    continue
                if not prefix and target.prefixes is _ELIDED_PREFIXES:
                    continue
                for owner in target.entries:
                    candidates.append((start, end, word_start, owner, target.confidence))
        return self._resolve(folded, match_text, candidates)

    @staticmethod
    def _resolve(folded: Folded, match_text: str, candidates: list[_Candidate]) -> list[Match]:
        """Keep the longest non-overlapping names (equal spans are all kept), then apply the
        context rules (coding.text.context); sorted by position."""
        candidates.sort(key=lambda c: (c[0] - c[1], c[0], -c[4], c[3][0]))
        occupied = bytearray(len(folded.text) + 1)
        chosen: dict[tuple[int, int], list[_Candidate]] = {}
        for candidate in candidates:
            span = (candidate[0], candidate[1])
            if span not in chosen:
                if occupied.find(1, span[0], span[1]) != -1:
                    continue
                occupied[span[0] : span[1]] = b"\x01" * (span[1] - span[0])
                chosen[span] = []
            if all(c[3][:2] != candidate[3][:2] for c in chosen[span]):
                chosen[span].append(candidate)
        matches: list[Match] = []
        for (start, end), owners in chosen.items():
            orig_start, orig_end = folded.original_span(start, end)
            written = folded.source[orig_start:orig_end]
            if is_common_noun(match_text, start, end):
                continue
            for _, _, word_start, (entry_id, kind, alias), confidence in owners:
                factor = context_confidence(match_text, word_start, kind)
                if factor is None:
                    continue
                # The hamza rule compares with the alias as written; a generated spelling
                # (كتائب from كتيبة) brings its own hamza.
                if confidence == ALIAS_EXACT and has_extra_hamza(written, alias):
                    continue
                if sum(1 for c in owners if c[3][1] == kind) > 1:
                    confidence = min(confidence, AMBIGUOUS)
                matches.append(
                    Match(
                        entry_id,
                        kind,
                        alias,
                        orig_start,
                        orig_end,
                        folded.to_original[word_start],
                        round(confidence * factor, 2),
                    )
                )
        matches.sort(key=lambda m: (m.start, m.end, m.entry_id))
        return matches
