"""The CSV formula guard everywhere Athar writes CSV (issue 13, item 17): the export
endpoint (`formula_guard` parameter, the project's `csv_formula_guard` setting), the export
command, releases (recorded per release) and the Data Package's `events.csv`.

Guarded, a text cell a spreadsheet would run as a formula gets a leading `'`; turned off,
every value is written exactly (tests/exporting/test_csv.py has the cell rules)."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from coding.models import DatasetRelease, Project
from coding.services.releases import release_build, release_request
from tests.exports.test_export_api import _body, _export
from tests.exports.test_export_csv_rows import RISKY, _validated_articles, with_risky_remarks
from tests.factories import UserFactory
from tests.world import World

pytestmark = pytest.mark.django_db

GUARDED = ["' =1+1", "'\n=1+1", "'\uff1d1+1", "'\t@x", "'\u200f-2+3", "-12.5"]


def _risky_world(world: World) -> World:
    with_risky_remarks(_validated_articles(world))
    return world


def _remarks(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    column = rows[0].index("remarks")
    return [row[column] for row in rows[1:]]


def test_the_export_is_guarded_unless_the_request_or_the_project_turns_it_off(
    world: World,
) -> None:
    _risky_world(world)
    assert _remarks(_body(_export(world))) == GUARDED
    assert _remarks(_body(_export(world, bom="true"))) == GUARDED
    assert _remarks(_body(_export(world, formula_guard="false"))) == RISKY
    assert _remarks(_body(_export(world, formula_guard="0", bom="true"))) == RISKY

    world.project.settings = {"csv_formula_guard": False}
    world.project.save(update_fields=["settings"])
    assert _remarks(_body(_export(world))) == RISKY
    assert _remarks(_body(_export(world, formula_guard="true"))) == GUARDED


def test_a_bad_formula_guard_value_is_refused(world: World) -> None:
    response = _export(world, formula_guard="maybe")
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "detail": "formula_guard: true or false",
        "errors": [{"field": "formula_guard", "code": "invalid", "message": "true or false"}],
    }


def test_the_export_command_guards_unless_told_not_to(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    _risky_world(world)
    call_command("export_dataset", "--project", world.project.slug)
    assert _remarks(capsys.readouterr().out) == GUARDED
    call_command("export_dataset", "--project", world.project.slug, "--no-formula-guard")
    assert _remarks(capsys.readouterr().out) == RISKY


def test_the_project_setting_is_a_boolean_in_the_database_and_the_api(world: World) -> None:
    before = list(Project.objects.order_by("pk").values_list("pk", "settings"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=world.project.pk).update(settings={"csv_formula_guard": "no"})
    site_admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    response = world.client(site_admin).post(
        "/api/v1/projects/",
        {
            "slug": "p9",
            "name": "P9",
            "codebook_version": world.project.codebook_version_id,
            "settings": {"csv_formula_guard": "no"},
        },
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "settings",
            "code": "invalid",
            "message": "csv_formula_guard must be true or false",
        }
    ]
    assert list(Project.objects.order_by("pk").values_list("pk", "settings")) == before


def _release_texts(release: DatasetRelease) -> dict[str, str]:
    built = release_build(release_id=release.pk)
    files = {record.format: record for record in built.files.all()}
    with files["csv"].file.open("rb") as stored:
        csv_text = stored.read().decode("utf-8")
    with files["datapackage"].file.open("rb") as stored:
        package = zipfile.ZipFile(io.BytesIO(stored.read()))
    return {"csv": csv_text, "package": package.read("events.csv").decode("utf-8")}


@pytest.mark.parametrize(
    ("setting", "asked", "guarded"),
    [({}, None, True), ({"csv_formula_guard": False}, None, False), ({}, False, False)],
)
def test_a_release_records_its_guard_and_writes_both_csv_files_with_it(
    world: World, setting: dict[str, Any], asked: bool | None, guarded: bool
) -> None:
    _risky_world(world)
    world.project.settings = setting
    world.project.save(update_fields=["settings"])
    release = release_request(
        project=world.project, actor=world.supervisor, tag="v1", formula_guard=asked
    )
    assert release.formula_guard is guarded
    texts = _release_texts(release)
    assert texts["package"] == texts["csv"]
    assert _remarks(texts["csv"]) == (GUARDED if guarded else RISKY)


def test_the_release_api_takes_and_shows_the_guard(world: World) -> None:
    client = world.client(world.supervisor)
    url = f"/api/v1/projects/{world.project.pk}/releases/"
    default = client.post(url, {"tag": "v1", "confirm_empty": True}, format="json")
    exact = client.post(
        url, {"tag": "v2", "formula_guard": False, "confirm_empty": True}, format="json"
    )
    assert (default.status_code, default.json()["formula_guard"]) == (202, True)
    assert (exact.status_code, exact.json()["formula_guard"]) == (202, False)
    bad = client.post(url, {"tag": "v3", "formula_guard": "perhaps"}, format="json")
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["formula_guard"]
    assert sorted(DatasetRelease.objects.values_list("tag", "formula_guard")) == [
        ("v1", True),
        ("v2", False),
    ]
