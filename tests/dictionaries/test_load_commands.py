import io

import pytest
from django.core.management import CommandError, call_command

from coding.models import Actor, Location

pytestmark = pytest.mark.django_db


def test_load_commands_refuse_bad_files_whole(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "places.csv"
    bad.write_text("key,name,country,latitude,longitude\nx,X,ML,abc,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_gazetteer", str(bad))
    assert Location.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("load_actors", str(tmp_path / "missing.yaml"))
    assert Actor.objects.count() == 0


def test_load_actors_command(tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "actors.yaml"
    good.write_text(
        "actors:\n- key: fama\n  name: Malian Armed Forces\n  actor_type: 1\n"
        "  aliases:\n  - {text: الجيش المالي, lang: ar}\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("load_actors", str(good), stdout=out)
    assert out.getvalue().strip() == "1 created, 0 updated"
    assert Actor.objects.get(key="fama").aliases.filter(lang="ar").count() == 1
