"""The value of a revision label: a number, impossible (with why), or not a revision at all."""

from __future__ import annotations

import pytest

from doccontrol.core.metadata_problems import MAX_REVISION
from doccontrol.core.revision_value import ROMAN_MAX, RevisionValue, read_revision_value

NUMBERS = [
    ("two-digits", "02", 2),
    ("one-digit", "2", 2),
    ("lan", "lần 3", 3),
    ("lan-thu", "lần thứ 4", 4),
    ("folded", "lan thu 4", 4),
    ("version", "1.0", 1),
    ("minor-dropped", "2.1", 2),
    ("v", "v3", 3),
    ("ver", "ver 4", 4),
    ("version-word", "Version 5", 5),
    ("issue-and-amendment", "02/01", 2),
    ("words-after", "03 (ba)", 3),
    ("full-width", "０２", 2),
    ("highest", str(MAX_REVISION), MAX_REVISION),
    ("roman-ii", "II", 2),
    ("roman-small", "iv", 4),
    ("roman-x", "X", ROMAN_MAX),
    ("roman-sign", "Ⅲ", 3),
    ("roman-one", "I", 1),
    ("lan-dau", "lần đầu", 1),
    ("dau-tien", "đầu tiên", 1),
    ("thu-nhat", "thứ nhất", 1),
    ("thu-hai", "lần thứ hai", 2),
    ("thu-tu", "thứ tư", 4),
    ("bare-word", "ba", 3),
    ("bare-word-caps", "MỘT", 1),
    ("bare-word-folded", "muoi.", 10),
]


@pytest.mark.parametrize("value,number", [c[1:] for c in NUMBERS], ids=[c[0] for c in NUMBERS])
def test_revision_numbers(value: str, number: int) -> None:
    found = read_revision_value(value)
    assert found is not None and (found.number, found.why) == (number, "")


IMPOSSIBLE = [
    ("zero", "00", "zero"),
    ("zero-single", "0", "zero"),
    ("draft-version", "0.9", "zero"),
    ("negative", "-1", "negative"),
    ("negative-spaced", "- 2", "negative"),
    ("thousand", "1000", "too_large"),
    ("hundred", "100", "too_large"),
    ("huge", "999999999999", "too_large"),
    ("roman-above-x", "XII", "roman"),
    ("roman-small-above-x", "xiv", "roman"),
    ("roman-large", "MCM", "roman"),
    ("lan-zero", "lần 0", "zero"),
]


@pytest.mark.parametrize("value,why", [c[1:] for c in IMPOSSIBLE], ids=[c[0] for c in IMPOSSIBLE])
def test_impossible_revisions_say_why(value: str, why: str) -> None:
    found = read_revision_value(value)
    assert found is not None and found.number is None and found.why == why
    assert found.written.strip() and found.written in value or found.written == value


NOT_A_REVISION = [
    ("date", "15/01/2024"),
    ("iso-date", "2024-01-15"),
    ("page", "Trang 1/5"),
    ("blank-form", "...."),
    ("empty", ""),
    ("word", "theo quyết định"),
    ("year-word", "năm 2024"),
    ("temporary", "tạm thời"),
    ("lone-v", "v"),
    ("lone-small-i", "i"),
    ("small-word-of-roman-letters", "mix"),
    ("word-after-number-word", "hai mươi"),
]


@pytest.mark.parametrize("value", [c[1] for c in NOT_A_REVISION], ids=[c[0] for c in NOT_A_REVISION])
def test_not_a_revision_value(value: str) -> None:
    assert read_revision_value(value) is None


def test_written_is_what_the_document_says() -> None:
    assert read_revision_value("1000") == RevisionValue(None, "1000", "too_large")
    assert read_revision_value(" -1 ") == RevisionValue(None, "-1", "negative")
