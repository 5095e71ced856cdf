"""Every release carries a reliability report (JSON + a self-contained HTML page) whose
figures are the agreement API's at the release's ``data_as_of``."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from coding.codebook_spec import load_codebook_text
from coding.models import AdjudicationDecision, DatasetRelease
from coding.services.agreement import project_agreement_compute
from coding.services.codebooks import codebook_version_create
from coding.services.release_reliability import reliability_files
from coding.services.releases import release_build, release_request
from tests.exports.test_export_api import _adjudicate
from tests.world import DATA, World

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE = '<img src=x onerror="alert(1)"> & Fatalities'


def _released(world: World, *, codebook_version: Any = None) -> DatasetRelease:
    from config.celery import app

    _adjudicate(world)
    project_agreement_compute(project_id=world.project.pk)
    app.conf.task_always_eager = False  # recorded only: this test builds it itself
    try:
        release = release_request(project=world.project, actor=world.supervisor, tag="v1")
    finally:
        app.conf.task_always_eager = True
    if codebook_version is not None:
        DatasetRelease.objects.filter(pk=release.pk).update(codebook_version=codebook_version)
    return release_build(release_id=release.pk)


def _stored(release: DatasetRelease, fmt: str) -> bytes:
    with release.files.get(format=fmt).file.open("rb") as stored:
        return bytes(stored.read())


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=0, abs_tol=0) or (math.isnan(a) and math.isnan(b))
    return bool(a == b)


def test_the_report_s_figures_are_the_agreement_api_s_at_data_as_of(disputed: World) -> None:
    release = _released(disputed)
    figures = json.loads(_stored(release, "reliability_json"))
    api = disputed.client(disputed.supervisor).get(
        f"/api/v1/projects/{disputed.project.pk}/agreement/"
    )
    assert api.status_code == 200
    body = api.json()
    rows = {row["field"] or "event_presence": row for row in body["results"]}

    assert figures["run"]["id"] == body["run"]["id"]
    assert figures["fields"][0]["key"] == "event_presence"
    assert {f["key"] for f in figures["fields"]} == set(rows)
    for field in figures["fields"]:
        row = rows[field["key"]]
        pairs = [
            ("value", "alpha"),
            ("ci_low", "ci_low"),
            ("ci_high", "ci_high"),
            ("ac1", "ac1"),
            ("percent_agreement", "percent_agreement"),
            ("n_pairable", "n_pairable"),
            ("n_units", "n_units"),
            ("n_coders", "n_coders"),
            ("distance", "distance"),
            ("level", "level"),
            ("note", "note"),
        ]
        for ours, theirs in pairs:
            assert _same(field[ours], row[theirs]), (field["key"], ours, field[ours], row[theirs])
    assert figures["detection_f1"]["value"] == body["detection"]["f1"]
    assert figures["coders"] == 2
    # Units of event presence: the aligned events (the shared attack, coder_a's truce).
    assert figures["units"] == rows["event_presence"]["n_units"] == 2
    assert figures["data_as_of"] == release.data_as_of.isoformat()  # type: ignore[union-attr]
    assert figures["codebook"] == {
        "slug": "mini",
        "name": "Mini codebook for tests",
        "version": disputed.project.codebook_version.number,
    }
    # _adjudicate merges the matched attack and rejects coder_a's unmatched truce.
    kinds = AdjudicationDecision.objects.filter(active=True).values_list("kind", flat=True)
    assert sorted(kinds) == ["merge", "reject"]
    assert figures["adjudication"]["counts"] == {
        "accept": 0,
        "merge": 1,
        "edit": 0,
        "add": 0,
        "reject": 1,
        "unanimous": 0,
    }
    assert figures["adjudication"]["articles"] == 1
    assert figures["adjudication"]["auto_accepted_share"] == 0.0


def test_the_report_files_are_checksummed_and_the_page_is_drawn_from_the_json(
    disputed: World,
) -> None:
    release = _released(disputed)
    files = {f.format: f for f in release.files.all()}
    assert {"reliability_json", "reliability_html"} <= set(files)
    data, page = _stored(release, "reliability_json"), _stored(release, "reliability_html")
    import hashlib

    assert files["reliability_json"].sha256 == hashlib.sha256(data).hexdigest()
    assert files["reliability_html"].sha256 == hashlib.sha256(page).hexdigest()
    assert reliability_files(json.loads(data)) == (data, page)
    text = page.decode("utf-8")
    for outside in ("<script", "src=", "href=", "url("):
        assert outside not in text
    assert "<svg" in text
    assert text.count("<circle") == sum(
        1 for f in json.loads(data)["fields"] if f["value"] is not None
    )


def test_the_page_escapes_codebook_labels(disputed: World) -> None:
    yaml = (DATA / "mini_codebook.yaml").read_text("utf-8")
    yaml = yaml.replace("slug: mini\n", "slug: mini-hostile\n").replace(
        "name: Mini codebook for tests", "name: 'Codebook </title><b>bold</b>'"
    )
    yaml = yaml.replace(
        "{key: fatalities, kind: integer, labels: {en: Fatalities}",
        "{key: fatalities, kind: integer, labels: {en: '" + HOSTILE + "'}",
    )
    hostile = codebook_version_create(spec=load_codebook_text(yaml), publish=True)
    release = _released(disputed, codebook_version=hostile)
    page = _stored(release, "reliability_html").decode("utf-8")
    figures = json.loads(_stored(release, "reliability_json"))

    assert {f["label"] for f in figures["fields"]} >= {HOSTILE}
    for raw in (HOSTILE, "<img", "<b>"):
        assert raw not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Fatalities" in page
    assert "Codebook &lt;/title&gt;&lt;b&gt;bold&lt;/b&gt;" in page


def test_the_page_is_served_inline_under_the_site_policy_and_access_rules(
    disputed: World,
) -> None:
    release = _released(disputed)
    url = f"/api/v1/projects/{disputed.project.pk}/releases/{release.pk}/files/"
    page = disputed.client(disputed.researcher).get(url + "reliability_html/")
    assert page.status_code == 200
    assert page["Content-Type"] == "text/html; charset=utf-8"
    assert not page["Content-Disposition"].startswith("attachment")
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "style-src 'self' 'sha256-" in policy
    assert b"".join(page.streaming_content) == _stored(release, "reliability_html")
    page.close()
    data = disputed.client(disputed.researcher).get(url + "reliability_json/")
    assert data.status_code == 200
    assert data["Content-Disposition"].startswith("attachment")
    data.close()
    assert disputed.client(disputed.outsider).get(url + "reliability_html/").status_code == 404
    assert disputed.client(None).get(url + "reliability_html/").status_code in {401, 403}
