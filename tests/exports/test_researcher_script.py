"""The script in docs/api.md runs as written against a live server."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.exports.test_export_api import _adjudicate
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "examples" / "fetch_release.py"


def test_the_documented_script_downloads_verifies_and_loads_a_release(
    disputed: World,
    live_server,  # type: ignore[no-untyped-def]
) -> None:
    _adjudicate(disputed)
    from coding.services.releases import release_build, release_request

    release = release_request(project=disputed.project, actor=disputed.supervisor, tag="v1")
    release_build(release_id=release.pk)
    disputed.researcher.set_password("researcher-pass-1")
    disputed.researcher.save()
    spec = importlib.util.spec_from_file_location("fetch_release", SCRIPT)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    frame = module.load_release(
        live_server.url, disputed.researcher.username, "researcher-pass-1", "p1"
    )
    assert len(frame) == 1
    assert frame.loc[0, "fatalities"] == "7"
    assert "بولكيسي" in frame.loc[0, "athar_evidence"]
