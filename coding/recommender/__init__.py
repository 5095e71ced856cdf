"""The machine coder: a per-project sentence classifier trained on validated gold.

PURE: no Django import (like coding.agreement and coding.text). The Django side
(coding.services.recommender) reads the gold, calls ``training.train``, stores the
artifact's bytes, and calls ``predict.suggest_events`` on an article's text.

Modules: ``sentences`` (splitting, offsets), ``features`` (hashed features of folded text),
``gold`` (what training reads), ``training``, ``artifact`` (what is stored), ``predict``,
``synthetic`` (a generated corpus for the benchmark and tests). Import the module you need:
this package imports nothing itself, so reading gold does not load scikit-learn.
"""
