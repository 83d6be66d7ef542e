"""``doccontrol.toml`` validated at load (issue 12): one message per problem, never a setting
accepted that breaks the pipeline later (pure: TOML data in, a Config or ConfigError out)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from doccontrol.core.config import (
    Config,
    ConfigError,
    orphan_owner_messages,
    orphan_owners,
    parse_config,
    render_config,
)

OFFICES = {"VP": "Văn phòng", "LDVL": "Phòng Lao động - Việc làm"}


def _raw(**sections: dict[str, object]) -> dict[str, object]:
    raw: dict[str, object] = {"agency": {"controller": "VP"}, "offices": dict(OFFICES)}
    raw.update(sections)
    return raw


def _problems(raw: dict[str, object]) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as info:
        parse_config(raw, Path("ws/doccontrol.toml"))
    assert info.value.exit_code == 2
    return info.value.problems


def test_the_rendered_configuration_is_valid() -> None:
    text = render_config(OFFICES, "VP", field_offices={"Việc làm": "LDVL"})
    config = parse_config(tomllib.loads(text))
    assert config.offices == OFFICES and config.field_offices == {"Việc làm": "LDVL"}


@pytest.mark.parametrize("code", ["X\n", "VP\n", "a b", "Đ1", "_catalog", "", "-X", "X" * 33, ".git"])
def test_office_codes_are_matched_whole(code: str) -> None:
    problems = _problems(_raw(offices={**OFFICES, code: "Phòng X"}))
    assert len(problems) == 1 and repr(code) in problems[0][1]


@pytest.mark.parametrize("name", ["Phòng <x@evil>", "Phòng >", "Phòng\nTổ chức", "Phòng\rX", "Phòng\x1b[31m", ""])
def test_office_names_that_would_break_an_author_line_are_refused(name: str) -> None:
    problems = _problems(_raw(offices={**OFFICES, "TC": name}))
    assert len(problems) == 1 and "TC" in problems[0][1]


def test_office_codes_that_differ_only_in_case_are_refused() -> None:
    problems = _problems(_raw(offices={**OFFICES, "vp": "Văn phòng 2"}))
    assert "'vp'" in problems[0][1] and "'VP'" in problems[0][1]


@pytest.mark.parametrize(("section", "key", "value"), [
    ("limits", "extract_timeout_seconds", 0), ("limits", "extract_timeout_seconds", -5),
    ("limits", "max_file_mb", -1), ("limits", "max_file_mb", float("inf")), ("limits", "max_file_mb", float("nan")),
    ("limits", "max_file_mb", 0), ("limits", "max_zip_entries", 0), ("limits", "max_zip_entries", 2.5),
    ("limits", "max_uncompressed_mb", "lots"), ("limits", "max_compression_ratio", 0.5),
    ("limits", "extract_memory_mb", 10), ("limits", "max_file_mb", True),
    ("watch", "interval", 0), ("watch", "rescan_seconds", -1), ("watch", "stable_seconds", -0.1),
    ("watch", "poll", "yes"), ("review", "months", 0),
])
def test_limits_and_timeouts_that_cannot_work_are_refused(section: str, key: str, value: object) -> None:
    problems = _problems(_raw(**{section: {key: value}}))
    assert len(problems) == 1 and f"[{section}] {key}" in problems[0][1]


def test_accepted_limits_are_read() -> None:
    config = parse_config(_raw(limits={"max_file_mb": 0.5, "max_zip_entries": 3, "extract_timeout_seconds": 0.5},
                               watch={"stable_seconds": 0}))
    assert config.limits.max_bytes == 2**19 and config.limits.max_entries == 3
    assert config.limits.timeout_seconds == 0.5 and config.watch.stable_seconds == 0


def test_fields_must_name_a_configured_office() -> None:
    problems = _problems(_raw(fields={"Việc làm": "LDVL", "Người có công": "NCC"}))
    assert len(problems) == 1 and "'NCC'" in problems[0][1]


def test_every_problem_is_reported_at_once() -> None:
    problems = _problems(_raw(
        offices={**OFFICES, "X\n": "Phòng X", "TC": "Phòng <TC>"},
        fields={"Việc làm": "KHONGCO"},
        limits={"max_file_mb": float("inf"), "max_zip_entries": 0},
        watch={"interval": 0},
    ))
    assert len(problems) == 6, problems
    error = ConfigError(Path("doccontrol.toml"), problems)
    assert error.render().count("\n  - ") == 6  # one line (and its English beside it) per problem


def test_agency_texts_must_be_one_line() -> None:
    problems = _problems(_raw(agency={"controller": "VP", "name": "Sở\nGiả"}))
    assert "[agency] name" in problems[0][1]


def test_control_characters_survive_rendering_as_toml() -> None:
    """The renderer escapes what TOML cannot hold raw, so the file it writes always parses
    (and the validation, not a TOMLDecodeError, says what is wrong)."""
    text = render_config({"VP": "Văn phòng", "TC": 'Tổ "chức"\nX'}, "VP")
    raw = tomllib.loads(text)
    assert raw["offices"]["TC"] == 'Tổ "chức"\nX'
    assert "TC" in _problems(raw)[0][1]


def test_an_office_code_that_still_owns_procedures_is_reported() -> None:
    config = Config(offices={"VP": "Văn phòng", "VL": "Phòng Việc làm"}, controller="VP")
    orphans = orphan_owners(config, ["VP", "LDVL", "LDVL", "VL"])
    assert orphans == {"LDVL": 2}
    (vi, en), = orphan_owner_messages(config, orphans)
    assert "LDVL" in vi and "2 quy trình" in vi and "(VP)" in vi
    assert "declare the code LDVL again" in en
