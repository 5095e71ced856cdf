"""load_codebook_text: YAML and JSON text, syntax errors, duplicate keys."""

from __future__ import annotations

import pytest

from coding.codebook_spec import CodebookFileError, load_codebook_text


def problems_of(text: str) -> list[str]:
    with pytest.raises(CodebookFileError) as caught:
        load_codebook_text(text)
    return [str(problem) for problem in caught.value.problems]


VALID_YAML = """\
format: athar-codebook/1
slug: tiny
name: Tiny
languages: [en]
event_types:
  - code: X
    labels: {en: X}
"""


def test_valid_yaml_text() -> None:
    spec = load_codebook_text(VALID_YAML)
    assert (spec.slug, spec.event_types[0].code) == ("tiny", "X")


def test_valid_json_text() -> None:
    text = (
        '{"format": "athar-codebook/1", "slug": "tiny", "name": "Tiny", "languages": ["en"],'
        ' "event_types": [{"code": "X", "labels": {"en": "X"}}]}'
    )
    assert load_codebook_text(text) == load_codebook_text(VALID_YAML)


def test_text_starting_with_a_brace_is_json_only() -> None:
    text = "{format: athar-codebook/1, slug: tiny}"
    assert problems_of(text) == [
        "line 1, column 2: invalid JSON: Expecting property name enclosed in double quotes"
    ]


def test_yaml_duplicate_key_is_an_error_with_its_line() -> None:
    text = VALID_YAML + "slug: other\n"
    assert problems_of(text) == ['line 8, column 1: invalid YAML: duplicate key "slug"']


def test_nested_yaml_duplicate_key() -> None:
    text = VALID_YAML.replace("    labels: {en: X}\n", "    labels: {en: X}\n    code: Y\n")
    assert problems_of(text) == ['line 8, column 5: invalid YAML: duplicate key "code"']


def test_json_duplicate_key_is_an_error() -> None:
    text = '{"format": "athar-codebook/1", "slug": "a", "slug": "b"}'
    assert problems_of(text) == ['duplicate key "slug" in a JSON object']


def test_yaml_syntax_error_names_line_and_column() -> None:
    text = "format: athar-codebook/1\nslug: [tiny\n"
    assert problems_of(text) == ["line 3, column 1: invalid YAML: did not find expected ',' or ']'"]


def test_invalid_json_reports_the_json_error() -> None:
    text = '{"format": "athar-codebook/1",\n "slug": tiny"}'
    assert problems_of(text) == ["line 2, column 10: invalid JSON: Expecting value"]


def test_empty_text() -> None:
    assert problems_of("  \n# only a comment\n") == ["the text is empty"]


def test_top_level_list() -> None:
    assert problems_of("- a\n- b\n") == ["expected a mapping at the top level, got a list"]


def test_yaml_octal_looking_code_must_be_quoted() -> None:
    text = VALID_YAML.replace("code: X", "code: 010")
    assert problems_of(text) == [
        "event_types[0].code: expected a string, got an integer (codes are strings: quote them in "
        'YAML, e.g. "01")'
    ]


def test_yaml_tags_outside_the_safe_set_are_rejected() -> None:
    text = VALID_YAML + "export: !!python/object:os.system {}\n"
    problems = problems_of(text)
    assert len(problems) == 1
    assert problems[0].startswith(
        "line 8, column 9: invalid YAML: could not determine a constructor"
    )


def test_null_optional_keys_take_their_defaults() -> None:
    text = (
        VALID_YAML.replace(
            "    labels: {en: X}\n",
            "    labels: {en: X}\n    definition:\n    attributes:\n    children:\n",
        )
        + "evidence_roles:\nfields:\nrules:\nsubtype_required:\ndescription:\nexport:\n"
    )
    spec = load_codebook_text(text)
    assert spec == load_codebook_text(VALID_YAML)
    assert (spec.subtype_required, spec.fields, spec.export) == (False, (), None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # libyaml composes recursively in C: this crashed the process (a segfault), not a 500.
        ("[" * 100_000 + "]" * 100_000, "line 1, column 65: nested deeper than 64 levels"),
        ("[" * 100_000, "line 1, column 65: nested deeper than 64 levels"),
        ("- " * 5_000 + "x", "line 1, column 129: nested deeper than 64 levels"),
        ('{"a": ' * 100_000, "invalid JSON: nested too deeply"),
    ],
)
def test_a_document_nested_too_deeply_is_a_problem_not_a_crash(text: str, message: str) -> None:
    with pytest.raises(CodebookFileError) as refused:
        load_codebook_text(text)
    assert [p.message for p in refused.value.problems] == [message]


def test_nesting_up_to_the_limit_is_read() -> None:
    # 64 levels parse (and then fail as a codebook: the top level is not a mapping).
    with pytest.raises(CodebookFileError) as refused:
        load_codebook_text("[" * 64 + "]" * 64)
    assert "nested" not in str(refused.value)
