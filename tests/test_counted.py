"""Counts in error messages take the noun's number ("1 problem", "9 problems"), not "(s)"."""

import pytest

from coding.errors import counted


@pytest.mark.parametrize(
    ("n", "text"), [(0, "0 problems"), (1, "1 problem"), (2, "2 problems"), (9, "9 problems")]
)
def test_a_count_takes_the_nouns_number(n: int, text: str) -> None:
    assert counted(n, "problem") == text
