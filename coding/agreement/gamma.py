"""γ (Mathet, Widlöcher & Métivier 2015) for span agreement, through `pygamma-agreement`.

γ aligns every coder's units (spans with a category) at once and compares the disorder of
that best alignment with the disorder expected by chance, estimated on random continua
sampled from the coders' own annotations: γ = 1 − D_o / D_e. D_o is deterministic (an
integer program solved by GLPK); D_e is a Monte-Carlo mean, so γ depends on the sampling.

Conventions here:

* Seeded: `pygamma-agreement` draws from NumPy's *global* generator; we seed it for the
  call and restore its previous state afterwards, so a seed reproduces γ exactly and the
  caller's random state is untouched.
* The Monte-Carlo spread is reported: `expected_disorder_se` is the standard error of the
  mean over the sampled continua, and `gamma_se` its effect on γ (delta method:
  |∂γ/∂D_e| = D_o / D_e²).
* The package (numba, cvxpy; about 14 s to import) is imported inside `gamma_agreement`
  only, so `import coding.agreement` stays light and workers that never compute γ never
  load it. It is pinned in requirements-gamma.txt.
* Offsets are the app's code-point offsets; units of length 0 are refused (γ's positional
  dissimilarity divides by unit lengths).
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coding.agreement.spans import CodedSpan

DEFAULT_SAMPLES = 30  # pygamma's default; Mathet et al. (2015, §5.3) size it by precision


@dataclass(frozen=True)
class GammaResult:
    """γ with what a reader needs to trust it (see the module doc)."""

    gamma: float
    observed_disorder: float
    expected_disorder: float
    expected_disorder_se: float
    gamma_se: float
    n_samples: int
    seed: int
    alpha: float
    beta: float
    n_units: int
    n_coders: int
    sampler: str = "StatisticalContinuumSampler"


@contextlib.contextmanager
def _seeded_global_numpy(seed: int) -> Iterator[None]:
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def gamma_agreement(
    units: Sequence[CodedSpan],
    *,
    seed: int,
    n_samples: int = DEFAULT_SAMPLES,
    alpha: float = 1.0,
    beta: float = 1.0,
    delta_empty: float = 1.0,
) -> GammaResult:
    """γ of `units` (coder, start, end, label) with the combined categorical dissimilarity
    (positional weight `alpha`, categorical weight `beta`, cost `delta_empty` of an unpaired
    unit), estimating D_e on `n_samples` random continua drawn with `seed`."""
    coders = {u.coder for u in units}
    if len(coders) < 2:
        raise ValueError("γ needs units from at least two coders")
    if any(u.end <= u.start for u in units):
        raise ValueError("γ needs units with end > start")
    if n_samples < 2:
        raise ValueError("n_samples must be at least 2 (the spread needs two samples)")
    # Imported here: numba and cvxpy make this the heaviest import of the package.
    import pygamma_agreement as pa
    from pyannote.core import Segment

    continuum = pa.Continuum()
    for unit in units:
        continuum.add(str(unit.coder), Segment(unit.start, unit.end), str(unit.label))
    dissimilarity = pa.CombinedCategoricalDissimilarity(
        alpha=alpha, beta=beta, delta_empty=delta_empty
    )
    with _seeded_global_numpy(seed), contextlib.redirect_stdout(io.StringIO()):
        # GLPK prints its log on stdout; a worker's output is not the place for it.
        results: Any = continuum.compute_gamma(dissimilarity, n_samples=n_samples)
    chance = np.array([a.disorder for a in results.chance_alignments], dtype=np.float64)
    observed = float(results.observed_disorder)
    expected = float(chance.mean())
    se = float(chance.std(ddof=1) / math.sqrt(len(chance)))
    gamma = 1.0 if observed == 0 else 1.0 - observed / expected
    return GammaResult(
        gamma=gamma,
        observed_disorder=observed,
        expected_disorder=expected,
        expected_disorder_se=se,
        gamma_se=0.0 if observed == 0 else observed / expected**2 * se,
        n_samples=len(chance),
        seed=seed,
        alpha=alpha,
        beta=beta,
        n_units=len(units),
        n_coders=len(coders),
    )
