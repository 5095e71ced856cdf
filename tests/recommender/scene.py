"""A generated project for the machine-coder tests: articles of the synthetic corpus
(coding.recommender.synthetic) imported into a mini-codebook project, each with its gold
events added by a supervisor and validated, through the services a supervisor's clicks use.

Synthetic types map onto the mini codebook: ATTACK/ARMED_CLASH → ATTACK/ARMED_ASSAULT,
ATTACK/BOMBING → ATTACK/DRONE_STRIKE, PROTEST → TRUCE (no sub-type); ARREST is not coded
(those sentences are background for the model).
"""

from __future__ import annotations

from dataclasses import dataclass

from coding.models import Actor, Article, Assignment, Location, Project, User
from coding.recommender.synthetic import SyntheticArticle, synthetic_corpus
from coding.services.adjudication import adjudication_open, adjudication_validate, decision_add
from coding.services.articles import articles_create
from coding.services.events import EventInput, SpanInput
from coding.services.projects import membership_set, project_create
from coding.text.matching import alias_key
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    AssignmentFactory,
    LocationAliasFactory,
    LocationFactory,
    UserFactory,
)
from tests.world import Item, mini_version

TYPES = {
    ("ATTACK", "ARMED_CLASH"): ("ATTACK", "ARMED_ASSAULT"),
    ("ATTACK", "BOMBING"): ("ATTACK", "DRONE_STRIKE"),
    ("PROTEST", "PEACEFUL"): ("TRUCE", None),
    ("PROTEST", "RIOT"): ("TRUCE", None),
}


@dataclass
class Generated:
    project: Project
    supervisor: User
    coders: list[User]
    actor: Actor
    location: Location
    articles: list[Article]


def generated_project(
    *, slug: str = "gen", seed: int = 1, project: Project | None = None
) -> Generated:
    version = mini_version() if project is None else project.codebook_version
    if project is None:
        project = project_create(slug=slug, name="Generated", codebook_version=version, overlap=1)
    supervisor = UserFactory(username=f"{slug}-super")
    membership_set(project=project, user=supervisor, role="supervisor")
    coders = [UserFactory(username=f"{slug}-coder{k}") for k in (1, 2)]
    for coder in coders:
        membership_set(project=project, user=coder, role="coder")
    actor = ActorFactory(name="Gunmen")
    ActorAliasFactory(actor=actor, text="مسلحون", normalized=alias_key("مسلحون"))
    location = LocationFactory(name="Boulkessi")
    LocationAliasFactory(location=location, text="بولكيسي", normalized=alias_key("بولكيسي"))
    return Generated(project, supervisor, coders, actor, location, [])


def coder_article(scene: Generated, coder: User, *, seed: int = 99) -> Assignment:
    """A new article (two attack sentences among background) assigned to ``coder``."""
    text = (
        "هاجم مسلحون قاعدة للجيش في بولكيسي يوم الأحد. "
        "ارتفعت أسعار الخبز في الأسواق هذا الأسبوع. "
        "فجر مسلحون عبوة ناسفة قرب غاو، حسب مصادر أمنية. "
        f"Dépêche n° {seed}."
    )
    article = articles_create(
        project=scene.project, items=[Item(f"to code {seed}", text)], actor=None
    ).created[0]
    return AssignmentFactory(article=article, coder=coder)


def add_validated(scene: Generated, n: int, *, seed: int) -> list[Article]:
    """``n`` synthetic articles with their gold, validated one by one."""
    corpus = synthetic_corpus(n, seed=seed, target_chars=500)
    items = [Item(f"gen {seed}-{k}", a.text) for k, a in enumerate(corpus)]
    created = articles_create(project=scene.project, items=items, actor=None).created
    for article, generated in zip(created, corpus, strict=True):
        validate_gold(scene, article, generated)
    scene.articles.extend(created)
    return created


def validate_gold(scene: Generated, article: Article, generated: SyntheticArticle) -> None:
    adjudication = adjudication_open(article_id=article.pk)
    for event in generated.events:
        mapped = TYPES.get((event.event_type, event.event_subtype))
        if mapped is None:
            continue
        start, end = event.trigger
        decision_add(
            adjudication=adjudication,
            actor=scene.supervisor,
            data=EventInput(
                event_type=mapped[0],
                event_subtype=mapped[1],
                values={
                    "actor1": {"id": scene.actor.pk},
                    "location": {"id": scene.location.pk},
                    "event_date": {"start": "2022-06-12"},
                },
                spans=[SpanInput("trigger", start, end, article.text[start:end])],
            ),
        )
    adjudication.refresh_from_db()
    adjudication_validate(
        adjudication=adjudication, actor=scene.supervisor, expected_version=adjudication.version
    )
