"""α for event presence and every field of a codebook, over the articles of a project."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

from coding.agreement.accumulator import PRESENCE_KEY, AlphaAccumulator
from coding.agreement.alpha import AlphaResult
from coding.agreement.article import ArticleAgreement, FieldSpec
from coding.agreement.bootstrap import AlphaBootstrap
from coding.agreement.distance_accumulator import DistanceAlphaAccumulator, IdentityOnlyAccumulator
from coding.agreement.distances import IDENTICAL_ONLY, distance_by_name


def field_accumulator(spec: FieldSpec, *, keep_units: bool = True) -> AlphaAccumulator:
    """The accumulator that computes `spec`'s α: its distance's, its level's, or none."""
    if spec.distance == IDENTICAL_ONLY:
        return IdentityOnlyAccumulator(keep_units=keep_units)
    if spec.distance is not None:
        return DistanceAlphaAccumulator(
            distance_by_name(spec.distance), level=spec.level, keep_units=keep_units
        )
    return AlphaAccumulator(spec.level, value_domain=spec.value_domain, keep_units=keep_units)


class ProjectAgreementAccumulator:
    """α for event presence and every field, over the articles of a project."""

    def __init__(self, fields: Sequence[FieldSpec], *, keep_units: bool = True):
        """`keep_units=False`: results only, no bootstraps (see AlphaAccumulator)."""
        self.fields = tuple(fields)
        self.accumulators: dict[str, AlphaAccumulator] = {
            PRESENCE_KEY: AlphaAccumulator("nominal", keep_units=keep_units)
        }
        for spec in self.fields:
            if spec.key in self.accumulators:
                raise ValueError(f"duplicate field key {spec.key!r}")
            self.accumulators[spec.key] = field_accumulator(spec, keep_units=keep_units)

    def add_article(self, article: ArticleAgreement, article_id: Hashable) -> None:
        """Fold one article in; its clusters resample together under `article_id`."""
        self.accumulators[PRESENCE_KEY].add(
            article.presence, cluster=article_id, coder_ids=article.coders
        )
        for spec in self.fields:
            field = article.fields.get(spec.key)
            if field is None:
                raise ValueError(f"article has no matrix for field {spec.key!r}")
            self.accumulators[spec.key].add(
                field.matrix, cluster=article_id, coder_ids=article.coders
            )

    def results(self) -> Mapping[str, AlphaResult]:
        """α per key ("event_presence" and each field key)."""
        return {key: acc.result() for key, acc in self.accumulators.items()}

    def bootstraps(self, *, n_boot: int = 2000, seed: int = 0) -> Mapping[str, AlphaBootstrap]:
        """Article-cluster bootstrap CI per key, all with the same seed."""
        return {
            key: acc.bootstrap(n_boot=n_boot, seed=seed) for key, acc in self.accumulators.items()
        }
