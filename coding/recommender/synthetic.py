"""A synthetic Arabic/French news corpus with known events, for the benchmark and the tests.

Deterministic for a seed. Each article mixes event sentences (a trigger verb of a type and
sub-type, an actor, a place, often a date) with background sentences (weather, economy,
sport) and some hard negatives (a trigger-like word used about something else). Each event
carries its type, sub-type, sentence and trigger offsets (code points).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["SUBTYPES", "SyntheticArticle", "SyntheticEvent", "synthetic_corpus"]

SUBTYPES: dict[str, dict[str, list[str]]] = {
    "ATTACK": {
        "ARMED_CLASH": ["اشتبك", "اشتبكت", "هاجم", "هاجمت", "attaqué", "ont attaqué"],
        "BOMBING": ["فجر", "انفجرت", "قصف", "قصفت", "bombardé", "explosé"],
    },
    "PROTEST": {
        "PEACEFUL": ["تظاهر", "تظاهرت", "احتج", "manifesté", "défilé"],
        "RIOT": ["اشتبك المتظاهرون", "أحرق", "نهب", "émeute", "saccagé"],
    },
    "ARREST": {
        "DETENTION": ["اعتقلت", "اعتقل", "أوقفت", "arrêté", "interpellé"],
    },
}
ACTORS = ["مسلحون", "الجيش", "الشرطة", "متظاهرون", "جماعة نصرة الإسلام", "les militaires",
          "des hommes armés", "la gendarmerie", "طلاب", "نقابة العمال"]  # fmt: skip
PLACES = ["بولكيسي", "غاو", "تمبكتو", "باماكو", "موبتي", "Ménaka", "Kidal", "سيغو", "نيامي"]
DATES = ["يوم الأحد", "يوم الاثنين", "أمس", "le 12 juin", "صباح الخميس", "مساء السبت", ""]
BACKGROUND = [
    "ارتفعت أسعار الخبز في الأسواق هذا الأسبوع.",
    "توقعت الأرصاد الجوية أمطارا غزيرة في {place}.",
    "فاز فريق {place} على منافسه بهدفين نظيفين.",
    "Le marché de {place} a rouvert après les fêtes.",
    "افتتح الوزير مدرسة جديدة في {place}.",
    "La saison des pluies commence tôt cette année.",
    "قالت مصادر محلية إن الوضع هادئ في {place}.",
    "أعلنت الحكومة عن خطة لدعم المزارعين.",
    "هاجم المعلق الرياضي أداء الحكم في مباراة {place}.",
    "Le ministre a défilé devant la presse pour présenter le budget.",
]  # the last two: trigger words about something else (hard negatives)
EVENT_FORMS = [
    "{date} {trigger} {actor} في {place}.",
    "{actor} {trigger} {date} قرب {place}، حسب مصادر أمنية.",
    "وقال شهود إن {actor} {trigger} في {place} {date}.",
    "À {place}, {actor} ont {trigger} {date}.",
]


@dataclass(frozen=True)
class SyntheticEvent:
    event_type: str
    event_subtype: str
    sentence: tuple[int, int]
    trigger: tuple[int, int]


@dataclass(frozen=True)
class SyntheticArticle:
    text: str
    events: tuple[SyntheticEvent, ...]


def _event_sentence(rng: random.Random) -> tuple[str, str, str, int, int]:
    event_type = rng.choice(sorted(SUBTYPES))
    subtype = rng.choice(sorted(SUBTYPES[event_type]))
    trigger = rng.choice(SUBTYPES[event_type][subtype])
    form = rng.choice(EVENT_FORMS)
    parts = {"date": rng.choice(DATES), "actor": rng.choice(ACTORS), "place": rng.choice(PLACES)}
    head, tail = form.split("{trigger}")
    before = " ".join(head.format(**parts).split())
    before = before + " " if before else ""
    sentence = before + trigger + " " + " ".join(tail.format(**parts).split())
    return event_type, subtype, sentence, len(before), len(before) + len(trigger)


def synthetic_corpus(
    n_articles: int, *, seed: int = 0, target_chars: int = 1200, missed: float = 0.05
) -> list[SyntheticArticle]:
    """``n_articles`` articles of about ``target_chars`` code points each; a share
    ``missed`` of the event sentences has no event (coders miss some), so no model can
    reach a precision and recall of 1."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    articles = []
    for _ in range(n_articles):
        text = ""
        events: list[SyntheticEvent] = []
        while len(text) < target_chars:
            if text:
                text += "\n" if rng.random() < 0.3 else " "
            if rng.random() < 0.35:
                event_type, subtype, sentence, t0, t1 = _event_sentence(rng)
                start = len(text)
                if rng.random() >= missed:
                    events.append(
                        SyntheticEvent(
                            event_type,
                            subtype,
                            (start, start + len(sentence)),
                            (start + t0, start + t1),
                        )
                    )
                text += sentence
            else:
                text += rng.choice(BACKGROUND).format(place=rng.choice(PLACES))
        articles.append(SyntheticArticle(text, tuple(events)))
    return articles
