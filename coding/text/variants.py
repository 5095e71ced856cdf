"""Spellings generated from an alias key, for the variation news writing shows in
transliterated names and group names and that folding does not unify.

* **Number of a group's head noun**: كتيبة ماسينا / كتائب ماسينا, سرية / سرايا, لواء /
  ألوية — outlets write the unit's name in the singular or the plural.
* **A long vowel after the first letter of a one-word place name**: تمبكتو / تومبكتو,
  موبتي / مبتي. Arabic spellings of Fulfulde, Songhay, Tamasheq and Bambara names disagree
  on whether the first short vowel is written; only keys of at least four letters vary, so
  short words (غاو, بير) do not turn into other words.

Keys are folded (coding.text.arabic): ة is ه and ئ is ي here.
"""

from __future__ import annotations

__all__ = ["spelling_variants"]

_HEAD_NOUN_NUMBER = {
    "كتيبه": "كتايب",
    "كتايب": "كتيبه",
    "سريه": "سرايا",
    "سرايا": "سريه",
    "لواء": "الويه",
    "الويه": "لواء",
}
_LONG_VOWELS = "اوي"
_MIN_LETTERS_FOR_VOWEL = 4


def _head_noun_variants(key: str) -> list[str]:
    head, _, rest = key.partition(" ")
    if not rest:
        return []
    article = head.startswith("ال") and head[2:] in _HEAD_NOUN_NUMBER
    bare = head[2:] if article else head
    other = _HEAD_NOUN_NUMBER.get(bare)
    if other is None:
        return []
    return [("ال" if article else "") + other + " " + rest]


def _long_vowel_variants(key: str) -> list[str]:
    if " " in key or key.startswith("ال") or not all("\u0621" <= c <= "\u064a" for c in key):
        return []
    if key[1] == "و" and len(key) >= _MIN_LETTERS_FOR_VOWEL + 1 and key[2] not in _LONG_VOWELS:
        return [key[0] + key[2:]]
    if key[1] not in _LONG_VOWELS and len(key) >= _MIN_LETTERS_FOR_VOWEL:
        return [key[0] + "و" + key[1:]]
    return []


def spelling_variants(key: str, kind: str) -> list[str]:
    """Other spellings of the folded alias ``key`` to match (never ``key`` itself)."""
    variants = _head_noun_variants(key)
    if kind == "location":
        variants += _long_vowel_variants(key)
    return [v for v in variants if v != key]
