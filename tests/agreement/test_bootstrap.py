"""Cluster bootstrap of α: the reweighting shortcut equals resampling the data, and conventions."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest

from coding.agreement import Level, bootstrap_alpha, krippendorff_alpha, krippendorff_bootstrap
from coding.agreement import bootstrap as bootstrap_module
from coding.agreement.bootstrap import ClusterStatistics
from coding.agreement.coincidence import pairable_units
from coding.agreement.encoding import encode_ratings

LEVELS: list[Level] = ["nominal", "ordinal", "interval", "ratio"]


def _data(seed: int = 0, n_units: int = 40) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 6, n_units)
    data = np.where(rng.random((4, n_units)) < 0.7, truth, rng.integers(1, 6, (4, n_units)))
    data = data.astype(float)
    data[rng.random(data.shape) < 0.25] = np.nan
    return data


@pytest.mark.parametrize("level", LEVELS)
def test_reweighted_clusters_equal_resampled_data(level: Level) -> None:
    """α for cluster weights K equals α of the data with each cluster's units repeated K times."""
    data = _data(1)
    rng = np.random.default_rng(2)
    clusters = np.asarray(rng.integers(0, 8, data.shape[1]), dtype=np.int64)
    encoded = encode_ratings(data, level)
    units = pairable_units(encoded.units, encoded.codes, encoded.n_units, encoded.n_categories)
    _, cluster_of_row = np.unique(clusters[units.unit_index], return_inverse=True)
    n_clusters = int(cluster_of_row.max()) + 1
    stats = ClusterStatistics(units, cluster_of_row, n_clusters, encoded.numeric_values, level)
    weights = rng.integers(0, 3, (6, n_clusters)).astype(float)
    weights[:, 0] += 1  # never all zero
    got = stats.alphas(weights)
    for row, alpha in zip(weights, got, strict=True):
        columns = [
            int(u)
            for r, u in enumerate(units.unit_index)
            for _ in range(int(row[cluster_of_row[r]]))
        ]
        expected = krippendorff.alpha(reliability_data=data[:, columns], level_of_measurement=level)
        assert abs(alpha - expected) <= 1e-12


def test_result_fields_and_reproducibility() -> None:
    data = _data(3)
    first = bootstrap_alpha(data, "interval", n_boot=500, seed=42)
    assert first == bootstrap_alpha(data, "interval", n_boot=500, seed=42)
    assert first != bootstrap_alpha(data, "interval", n_boot=500, seed=43)
    assert first.alpha == krippendorff_alpha(data, "interval")
    assert first.low < first.alpha < first.high
    assert (first.n_boot, first.seed, first.confidence, first.n_undefined) == (500, 42, 0.95, 0)
    assert first.n_clusters == 40 - int((np.sum(~np.isnan(data), axis=0) < 2).sum())
    assert 0.0 <= first.p_below_667 <= first.p_below_800 <= 1.0


def test_chunking_does_not_change_the_replicates(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _data(4)
    whole = bootstrap_alpha(data, "ordinal", n_boot=300, seed=9)
    monkeypatch.setattr(bootstrap_module, "_CHUNK_CELLS", 50)  # a few replicates per chunk
    chunked = bootstrap_alpha(data, "ordinal", n_boot=300, seed=9)
    # same draws; only BLAS summation order differs
    assert (chunked.low, chunked.high) == pytest.approx((whole.low, whole.high), abs=1e-12)
    assert (chunked.p_below_667, chunked.p_below_800) == (whole.p_below_667, whole.p_below_800)


def test_one_cluster_gives_a_degenerate_interval() -> None:
    data = _data(5)
    result = bootstrap_alpha(data, clusters=[("article", 1)] * data.shape[1], n_boot=50)
    assert result.n_clusters == 1
    assert result.low == pytest.approx(result.alpha, abs=1e-12)
    assert result.high == pytest.approx(result.alpha, abs=1e-12)


def test_clusters_widen_the_interval_for_correlated_units() -> None:
    # Ten articles, each with five identical events: resampling events as if independent
    # pretends to have five times the information.
    base = _data(6, n_units=10)
    data = np.repeat(base, 5, axis=1)
    clusters = np.repeat(np.arange(10), 5).tolist()
    naive = bootstrap_alpha(data, n_boot=1000, seed=1)
    clustered = bootstrap_alpha(data, clusters=clusters, n_boot=1000, seed=1)
    assert clustered.alpha == naive.alpha
    assert (clustered.high - clustered.low) > 1.5 * (naive.high - naive.low)


def test_undefined_replicates_are_counted_and_left_out() -> None:
    # cluster "a" has no variation on its own; replicates drawing only "a" are undefined
    data = [["x", "x", "x", "y"], ["x", "x", "x", "x"]]
    result = bootstrap_alpha(data, clusters=["a", "a", "a", "b"], n_boot=400, seed=0)
    assert result.n_clusters == 2
    assert 0 < result.n_undefined < 400  # about a quarter of the replicates
    assert not math.isnan(result.low)


def test_undefined_alpha_gives_nan_interval() -> None:
    result = bootstrap_alpha([["a", "a"], ["a", "a"]], n_boot=10)
    assert math.isnan(result.alpha)
    assert math.isnan(result.low)
    assert math.isnan(result.high)
    assert result.n_undefined == 10


def test_argument_checks() -> None:
    with pytest.raises(ValueError, match="one id per unit"):
        bootstrap_alpha([[1, 2], [1, 2]], clusters=["a"])
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap_alpha([[1, 2], [1, 2]], n_boot=0)


def test_kalpha_is_narrower_than_the_unit_bootstrap_on_clustered_data() -> None:
    data = np.repeat(_data(7, n_units=12), 4, axis=1)
    pairs = krippendorff_bootstrap(data, n_boot=4000, seed=0)
    units = bootstrap_alpha(data, clusters=np.repeat(np.arange(12), 4).tolist(), n_boot=4000)
    assert pairs.alpha == units.alpha
    assert (pairs.high - pairs.low) < (units.high - units.low)


def test_kalpha_undefined_alpha() -> None:
    result = krippendorff_bootstrap([["a", "a"], ["a", "a"]], n_boot=10)
    assert math.isnan(result.alpha)
    assert math.isnan(result.low)
    assert result.n_draws == 0
