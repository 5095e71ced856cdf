# The `world` fixture and its helpers live in tests/world.py (shared by every test folder).
from tests.world import ARTICLE_TEXT, World, complete_event, span

__all__ = ["ARTICLE_TEXT", "World", "complete_event", "span"]
