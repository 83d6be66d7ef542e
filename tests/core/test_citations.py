"""Legal citations: how real documents write them, their normal form, what is not one."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from doccontrol.core.citations import citation_key, citation_refs, describe, find_citations, parse_citation
from doccontrol.core.metadata import read_metadata
from doccontrol.core.model import DocProperties

# (as written in a procedure, normal form, kind)
SPELLINGS = [
    ("Nghị định số 152/2020/NĐ-CP ngày 30/12/2020 của Chính phủ", "152/2020/NĐ-CP", "nghi_dinh"),
    ("Nghị định 152/2020/NĐ-CP", "152/2020/NĐ-CP", "nghi_dinh"),
    ("Nghị định số: 152/2020/NĐ-CP", "152/2020/NĐ-CP", "nghi_dinh"),
    ("theo 152/2020/ND-CP", "152/2020/NĐ-CP", "nghi_dinh"),
    ("Nghị định 152 / 2020 / NĐ - CP", "152/2020/NĐ-CP", "nghi_dinh"),
    ("Nghi dinh so 152/2020/nd-cp", "152/2020/NĐ-CP", "nghi_dinh"),
    ("NGHỊ ĐỊNH SỐ 152/2020/NĐ-CP", "152/2020/NĐ-CP", "nghi_dinh"),
    ("Nghị định 152/2020/NĐCP", "152/2020/NĐ-CP", "nghi_dinh"),
    ("Nghị định số 152/2020/NĐ–CP (en dash)", "152/2020/NĐ-CP", "nghi_dinh"),
    ("Nghị định số 152/2020/NĐ\u2011CP (non-breaking hyphen)", "152/2020/NĐ-CP", "nghi_dinh"),
    ("Nghị định số\u00a0152/2020/NĐ-CP (no-break space)", "152/2020/NĐ-CP", "nghi_dinh"),
    ("Nghị định số 70/2023/NĐ-CP sửa đổi, bổ sung", "70/2023/NĐ-CP", "nghi_dinh"),
    ("Nghị định số 67/CP ngày 31/10/1997", "67/CP", "nghi_dinh"),
    ("Bộ luật Lao động số 45/2019/QH14 ngày 20/11/2019", "45/2019/QH14", "bo_luat"),
    ("Luật Việc làm số 38/2013/QH13", "38/2013/QH13", "luat"),
    ("Luật số 38/2013/qh13", "38/2013/QH13", "luat"),
    ("Luật Người lao động Việt Nam đi làm việc ở nước ngoài theo hợp đồng số 69/2020/QH14",
     "69/2020/QH14", "luat"),
    ("Nghị quyết số 43/2022/QH15 của Quốc hội", "43/2022/QH15", "nghi_quyet"),
    ("Pháp lệnh Ưu đãi người có công với cách mạng số 02/2020/UBTVQH14", "02/2020/UBTVQH14", "phap_lenh"),
    ("Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014 của Thủ tướng Chính phủ", "19/2014/QĐ-TTg", "quyet_dinh"),
    ("Quyết định 19/2014/QD-TTG", "19/2014/QĐ-TTg", "quyet_dinh"),
    ("Quyết định số 345/QĐ-UBND ngày 12/3/2024", "345/QĐ-UBND", "quyet_dinh"),
    ("Quyết định số 1291/QĐ-BLĐTBXH", "1291/QĐ-BLĐTBXH", "quyet_dinh"),
    ("Quyết định số 1291/QĐ-BLDTBXH", "1291/QĐ-BLĐTBXH", "quyet_dinh"),
    ("Thông tư số 26/2014/TT-BKHCN ngày 10/10/2014", "26/2014/TT-BKHCN", "thong_tu"),
    ("Thông tư số 1/2018/TT-VPCP", "01/2018/TT-VPCP", "thong_tu"),
    ("Thông tư 01/2018/tt-vpcp", "01/2018/TT-VPCP", "thong_tu"),
    ("Thông tư liên tịch số 06/2016/TTLT-BLĐTBXH-BTC", "06/2016/TTLT-BLĐTBXH-BTC", "thong_tu_lien_tich"),
    ("Nghị quyết số 30c/NQ-CP ngày 08/11/2011", "30c/NQ-CP", "nghi_quyet"),
    ("Nghị quyết 30C/NQ-CP", "30c/NQ-CP", "nghi_quyet"),
    ("Nghị quyết số 01/2021/NQ-HĐND của HĐND tỉnh", "01/2021/NQ-HĐND", "nghi_quyet"),
    ("Chỉ thị số 05/CT-TTg", "05/CT-TTg", "chi_thi"),
    ("Văn bản hợp nhất số 12/VBHN-BLĐTBXH", "12/VBHN-BLĐTBXH", "van_ban_hop_nhat"),
    ("Lệnh số 03/2020/L-CTN công bố luật", "03/2020/L-CTN", "lenh"),
    ("Kế hoạch số 01/KH-BCĐISO ngày 06/01/2024", "01/KH-BCĐISO", "ke_hoach"),
    ("(Nghị định 152/2020/NĐ-CP)", "152/2020/NĐ-CP", "nghi_dinh"),
    ("- Nghị định số 152/2020/NĐ-CP;", "152/2020/NĐ-CP", "nghi_dinh"),
]

NOT_CITATIONS = [
    "Mã hiệu: QT-01/LĐTBXH",  # a procedure code
    "Mẫu số 11/PLI Phụ lục I",  # a form number
    "ngày 30/12/2020",  # a date
    "Công văn số 1234/UBND-VX",  # an official letter: no document type in its symbol
    "theo quy định của pháp luật số 12/ABC",
    "Thông tư số 26/2014/TT-",  # a type without an issuer
    "(Ban hành kèm theo Quyết định số 372/QĐ-SLĐTBXH ngày 01/03/2023 của Giám đốc Sở)",  # the issuing decision
    "TCVN ISO 9001:2015",
    "Mã TTHC: 1.000105",
    "BM.01, BM.02",
]


@pytest.mark.parametrize(("text", "ref", "kind"), SPELLINGS, ids=[s[0][:40] for s in SPELLINGS])
def test_real_spellings(text: str, ref: str, kind: str) -> None:
    found = find_citations(text)
    assert [(c.ref, c.kind) for c in found] == [(ref, kind)]
    assert parse_citation(text) == found[0]
    assert citation_key(text) == citation_key(ref)


def test_at_least_thirty_spellings() -> None:
    assert len(SPELLINGS) >= 30


@pytest.mark.parametrize("text", NOT_CITATIONS)
def test_not_citations(text: str) -> None:
    assert find_citations(text) == ()


def test_keys_ignore_spacing_so_case_and_diacritics() -> None:
    keys = {citation_key(s) for s in ("152/2020/NĐ-CP", "Nghị định số 152/2020/ND-CP", "152 / 2020 / nđ - cp",
                                      "so: 152/2020/NDCP")}
    assert keys == {"152/2020/ND-CP"}
    assert citation_key("01/2018/TT-VPCP") == citation_key("1/2018/TT-VPCP")
    assert citation_key("152/2020/NĐ-CP") != citation_key("152/2021/NĐ-CP")
    assert citation_key("45/2019/QH14") != citation_key("45/2019/QH13")


def test_a_symbol_wrapped_over_lines_is_joined() -> None:
    # as the seed plan's PDF text has it: "TT-" at the end of a line, the issuer two lines down
    text = "thi hành Quyết định số 19/2014/QĐ-TTg; Thông tư số 26/2014/TT-\n\nBKHCN ngày 10/10/2014 của Bộ"
    assert citation_refs(text) == ("19/2014/QĐ-TTg", "26/2014/TT-BKHCN")


def test_a_bullet_on_the_next_line_does_not_continue_a_symbol() -> None:
    text = "- Nghị định số 152/2020/NĐ-CP\n- BHXH tỉnh hướng dẫn"
    assert citation_refs(text) == ("152/2020/NĐ-CP",)


def test_each_document_once_in_order_of_first_appearance() -> None:
    text = ("Căn cứ Bộ luật Lao động số 45/2019/QH14; Nghị định số 70/2023/NĐ-CP sửa đổi, bổ sung một số "
            "điều của Nghị định số 152/2020/NĐ-CP; theo Nghị định 152/2020/ND-CP và 45/2019/QH14.")
    assert citation_refs(text) == ("45/2019/QH14", "70/2023/NĐ-CP", "152/2020/NĐ-CP")


def test_nfd_text_gives_the_same_citations() -> None:
    text = "Căn cứ Nghị định số 152/2020/NĐ-CP và Quyết định số 19/2014/QĐ-TTg"
    assert citation_refs(unicodedata.normalize("NFD", text)) == citation_refs(text)
    assert all(unicodedata.is_normalized("NFC", r) for r in citation_refs(text))


def test_describe_names_the_kind() -> None:
    assert describe("152/2020/NĐ-CP") == "Nghị định 152/2020/NĐ-CP"
    assert describe("26/2014/TT-BKHCN") == "Thông tư 26/2014/TT-BKHCN"
    assert describe("45/2019/QH14") == "45/2019/QH14"  # a law or a resolution: the symbol does not say
    assert parse_citation("không phải văn bản") is None


def test_the_metadata_reader_keeps_the_citations() -> None:
    text = "\n".join([
        "QUY TRÌNH",
        "Cấp giấy phép lao động",
        "(Ban hành kèm theo Quyết định số 45/QĐ-SLĐTBXH ngày 10/01/2024 của Giám đốc Sở)",
        "Mã hiệu: QT-01 | Lần ban hành: 02",
        "3. TÀI LIỆU VIỆN DẪN",
        "- Bộ luật Lao động số 45/2019/QH14;",
        "- Nghị định số 152/2020/NĐ-CP;",
        "- Nghị định số 70/2023/ND-CP.",
    ])
    meta = read_metadata(text, DocProperties())
    assert meta.citations == ("45/2019/QH14", "152/2020/NĐ-CP", "70/2023/NĐ-CP")


def test_the_seed_plan_cites_what_it_says(shared_dir: Path) -> None:
    seed = next((shared_dir / "seed").glob("000_*.txt"))
    refs = citation_refs(seed.read_text(encoding="utf-8"))
    assert refs == ("19/2014/QĐ-TTg", "26/2014/TT-BKHCN", "01/KH-BCĐISO")
