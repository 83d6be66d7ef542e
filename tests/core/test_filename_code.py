"""A scan's code and revision from its file name, when the name follows the documented pattern."""

from __future__ import annotations

import pytest

from doccontrol.core.filename_code import NamedRevision, code_from_filename
from doccontrol.core.text import code_key, slugify
from doccontrol.demo.samples import ProcedureSpec, sample_filename

FOLLOWS_THE_PATTERN = [
    ("dash-lan", "QT-01-LĐTBXH_lan-2.pdf", "QT-01-LĐTBXH", 2),
    ("lan-with-diacritics", "QT-01-LĐTBXH_lần 2.pdf", "QT-01-LĐTBXH", 2),
    ("spaces", "QT 01 LĐTBXH - lan 2.docx", "QT 01 LĐTBXH", 2),
    ("caps-marker", "QT-01-LĐTBXH_LẦN 2.PDF", "QT-01-LĐTBXH", 2),
    ("lan-thu", "QT.VL.01_lần_thứ_3.pdf", "QT.VL.01", 3),
    ("lan-thu-spaces", "QT-01-VP lần thứ 2.pdf", "QT-01-VP", 2),
    ("lan-ban-hanh", "QT-01-LĐTBXH_lan ban hanh 3.pdf", "QT-01-LĐTBXH", 3),
    ("lbh", "QT-01-LĐTBXH_LBH02.pdf", "QT-01-LĐTBXH", 2),
    ("leading-zero", "QT-05-NCC_lan-02.pdf", "QT-05-NCC", 2),
    ("export-name", "QT-01-VP_r2.pdf", "QT-01-VP", 2),
    ("v", "QT-01-VP_v3.docx", "QT-01-VP", 3),
    ("rev", "QT01_rev.3.pdf", "QT01", 3),
    ("copy-number", "QT-01-VP_lan-2 (1).pdf", "QT-01-VP", 2),
    ("path", "/srv/scan/QT-01-VP_lan-2.pdf", "QT-01-VP", 2),
    ("windows-path", "C:\\Scan\\QT-01-VP_lan-2.pdf", "QT-01-VP", 2),
    ("number-first", "01-QT-SLĐTBXH_lan 1.pdf", "01-QT-SLĐTBXH", 1),
    ("two-letter-office", "QT-TE-01_lan 2.pdf", "QT-TE-01", 2),
    ("slug-form", "qt-01-ldtbxh_lan-02.docx", "qt-01-ldtbxh", 2),
    ("underscores", "QT_01_VP_lan_4.pdf", "QT_01_VP", 4),
]


@pytest.mark.parametrize("name,code,revision", [c[1:] for c in FOLLOWS_THE_PATTERN],
                         ids=[c[0] for c in FOLLOWS_THE_PATTERN])
def test_names_that_follow_the_pattern(name: str, code: str, revision: int) -> None:
    assert code_from_filename(name) == NamedRevision(code, revision)


NOT_CONFIDENT = [
    ("no-revision", "QT-01-LĐTBXH.pdf"),
    ("revision-zero", "QT-01-LĐTBXH_lan-0.pdf"),
    ("revision-too-large", "QT-01-LĐTBXH_lan-100.pdf"),
    ("words", "Quy trinh cap phep 01_lan 2.pdf"),
    ("words-with-diacritics", "Quy trình cấp phép 01_lần 2.pdf"),
    ("words-before-code", "ban sao QT-01_lan 2.pdf"),
    ("words-after", "QT-01-VP_lan-2_da ky.pdf"),
    ("date", "scan_2024-03-05_lan 2.pdf"),
    ("day-first-date", "QT_05-03-2024_lan 2.pdf"),
    ("mixed-case-word", "Scan 01_lan 2.pdf"),
    ("no-digit", "QT-VP_lan 2.pdf"),
    ("no-letter", "01-02_lan 2.pdf"),
    ("v-after-dash", "QT-01-VP-v2.pdf"),
    ("slash-is-a-folder", "QT-01/VP_lan 2.pdf"),
    ("too-many-parts", "QT-01-02-03-04-05-06-VP_lan 2.pdf"),
    ("scanner-default", "IMG_20240305_lan 2.jpg"),
    ("empty", ""),
    ("marker-only", "lan 2.pdf"),
]


@pytest.mark.parametrize("name", [c[1] for c in NOT_CONFIDENT], ids=[c[0] for c in NOT_CONFIDENT])
def test_names_that_do_not_follow_the_pattern(name: str) -> None:
    assert code_from_filename(name) is None


def test_the_code_meets_the_document_code_by_slug() -> None:
    """A name cannot hold "/": the slug is what meets the code written in the document."""
    named = code_from_filename("QT-01-LĐTBXH_lan-2.pdf")
    assert named is not None and slugify(named.code) == slugify("QT-01/LĐTBXH")
    spaced = code_from_filename("QT 01 LĐTBXH - lan 2.docx")
    assert spaced is not None and code_key(spaced.code) == code_key("QT-01-LĐTBXH")


@pytest.mark.parametrize("code", ["QT-01/LĐTBXH", "QT.VL.01", "QT-BTXH-07", "QT 07/VP"])
def test_sample_file_names_follow_the_pattern(code: str) -> None:
    spec = ProcedureSpec(code=code, title="Kiểm soát tài liệu", office="VP", revision=3)
    named = code_from_filename(sample_filename(spec, "docx"))
    assert named is not None and named.revision == 3 and slugify(named.code) == slugify(code)
