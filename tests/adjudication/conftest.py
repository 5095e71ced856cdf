# The `disputed` fixture lives in tests/world.py (shared by every test folder).
from tests.world import code_and_submit

__all__ = ["code_and_submit"]
