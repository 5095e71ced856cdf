import io

import pytest
from django.core.management import CommandError, call_command

from coding.models import Article
from tests.world import World

pytestmark = pytest.mark.django_db


def test_import_articles_command(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "batch.csv"
    path.write_text("title,text\nA,نص أ\nB,Texte B\n", encoding="utf-8-sig")
    out = io.StringIO()
    call_command("import_articles", str(path), "--project", "p1", stdout=out)
    assert "2 articles imported, 0 duplicates" in out.getvalue()
    assert Article.objects.filter(project=world.project, title__in=["A", "B"]).count() == 2


def test_import_articles_command_refuses_bad_files_whole(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "batch.jsonl"
    path.write_text('{"title": "ok", "text": "t"}\n{"title": "x"}\n', encoding="utf-8")
    before = Article.objects.count()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_articles", str(path), "--project", "p1")
    assert Article.objects.count() == before
    with pytest.raises(CommandError, match="no project"):
        call_command("import_articles", str(path), "--project", "nope")
