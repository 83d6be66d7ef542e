"""Vietnamese analysis and query parsing of the search core (no index involved)."""

from __future__ import annotations

import unicodedata

import pytest

from doccontrol.search import snippet_segments
from doccontrol.search import vietnamese as vn
from doccontrol.search.query import looks_like_code, parse, tthc_index_keys, tthc_key
from doccontrol.search.snippets import make_snippet, phrase_check


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hòa", "hoà"), ("hóa", "hoá"), ("hỏa", "hoả"), ("hõa", "hoã"), ("họa", "hoạ"),
        ("khỏe", "khoẻ"), ("xòe", "xoè"), ("lóe", "loé"), ("nhòe", "nhoè"), ("ọe", "oẹ"),
        ("thủy", "thuỷ"), ("tùy", "tuỳ"), ("húy", "huý"), ("lũy", "luỹ"), ("ụy", "uỵ"),
        ("Ủy", "uỷ"), ("HÒA", "hoà"), ("qúy", "quý"), ("qủa", "quả"), ("gìa", "già"),
        ("họăc", "hoặc"), ("hòang", "hoàng"),
    ],
)
def test_tone_placement_variants_meet(old: str, new: str) -> None:
    assert vn.syllables(old) == [new]
    assert vn.syllables(new) == [new]
    assert vn.syllables(nfd(old)) == [new]


@pytest.mark.parametrize("word", ["gì", "gìn", "giữ", "quý", "quyết", "của", "mùa", "thuế", "hoàng"])
def test_correct_spellings_are_left_alone(word: str) -> None:
    assert vn.syllables(word) == [word]


def test_syllables_keep_one_letter_words_digits_and_split_punctuation() -> None:
    text = "Ý kiến ở a… “Quyết định” số 19/2014/QĐ-TTg; lao\u00a0động–việc làm"
    assert vn.syllables(text) == [
        "ý", "kiến", "ở", "a", "quyết", "định", "số", "19", "2014", "qđ", "ttg",
        "lao", "động", "việc", "làm",
    ]


def test_decomposed_input_gives_the_same_syllables() -> None:
    text = "Giải quyết hưởng trợ cấp thất nghiệp, đường dây nóng"
    assert vn.syllables(nfd(text)) == vn.syllables(text)


def test_zero_width_characters_do_not_split_a_syllable() -> None:
    assert vn.syllables("ng\u200bười thư\u00adờng") == ["người", "thường"]


def test_analysis_views() -> None:
    a = vn.analyze("Đường dây nóng – Bình Dương")
    assert a.exact == ("đường", "dây", "nóng", "bình", "dương")
    assert a.folded == ("duong", "day", "nong", "binh", "duong")
    assert a.bigrams == ("duong_day", "day_nong", "nong_binh", "binh_duong")
    assert vn.has_marks("đường") and not vn.has_marks("ban")


def test_sequence_regex_matches_across_punctuation_and_tone_styles() -> None:
    folded = vn.sequence_regex([("hoà", False), ("giải", False)])
    text = vn.prepare("Hòa   giải; HOÀ-GIẢI; hoa giai; hoà nhập giải; khoa giải")
    assert len(vn.find_all(folded, text)) == 3
    exact = vn.sequence_regex([("hoà", True), ("giải", True)])
    assert len(vn.find_all(exact, text)) == 2  # hòa giải and HOÀ-GIẢI, not "hoa giai"
    assert vn.find(vn.sequence_regex([("hoa", False)]), vn.prepare("khoa hoang")) is None
    assert vn.find(vn.any_syllable_regex([("ở", True)]), vn.prepare("nhà ở")).start() == 4


def test_phrase_check_exact_and_folded() -> None:
    query = parse('"đường dây"')
    (phrase,) = query.phrases
    assert phrase_check("Gọi Đường dây nóng 111", phrase, exact=True)
    assert not phrase_check("Gọi dương dây nóng 111", phrase, exact=True)
    assert phrase_check("Gọi dương dây nóng 111", phrase, exact=False)


# --- queries --------------------------------------------------------------------------------


def test_parse_words_runs_and_accents() -> None:
    q = parse("trợ cấp  thất nghiệp")
    assert [s.exact for s in q.free] == ["trợ", "cấp", "thất", "nghiệp"]
    assert [s.folded for s in q.free] == ["tro", "cap", "that", "nghiep"]
    assert q.accented and len(q.runs) == 1
    assert not parse("tro cap that nghiep").accented
    assert parse(nfd("trợ cấp")).free == parse("trợ cấp").free


def test_parse_phrases_split_runs() -> None:
    q = parse('hồ sơ "chăm sóc thay thế" trẻ em')
    assert [[s.exact for s in run] for run in q.runs] == [["hồ", "sơ"], ["trẻ", "em"]]
    assert [[s.exact for s in p] for p in q.phrases] == [["chăm", "sóc", "thay", "thế"]]
    assert parse("“chăm sóc”").phrases == parse('"chăm sóc"').phrases


@pytest.mark.parametrize(
    ("query", "key"),
    [("QT-01/LĐTBXH", "qt-01/ldtbxh"), ("qt-01/ldtbxh", "qt-01/ldtbxh"), ("QT.VL.01", "qt.vl.01"),
     ("(QT-ATLĐ-04),", "qt-atld-04")],
)
def test_parse_procedure_codes(query: str, key: str) -> None:
    q = parse(query)
    assert q.codes == (key,)
    assert not q.runs


def test_parse_tthc_codes() -> None:
    assert parse("1.001234").tthc == ("1.001234",)
    assert parse("1.001234.000.00.00.H37").tthc == ("1.001234",)
    assert tthc_key("1.001234.000.00.00.H37") == "1.001234"
    assert tthc_key("QT-01") is None
    # the full code's key is its core.text.code_key, where letters meet digits with a "-" (issue 12.4)
    assert tthc_index_keys(("1.001234.000.00.00.H37", "2.000286")) == (
        "1.001234.000.00.00.h-37", "1.001234", "2.000286")


@pytest.mark.parametrize("word", ["2015", "9001:2015", "lao-động", "05/3/2014", "ISO"])
def test_not_codes(word: str) -> None:
    assert not looks_like_code(word)


def test_parse_filters_and_aliases() -> None:
    q = parse('office:VL phòng:"Việc làm" code:QT-VL mã:qt.vl.01 tthc:1.001234.000.00.00.H37 x')
    assert q.office_filters == ("vl", "viec lam")
    assert q.code_filters == ("qt-vl", "qt.vl.01")
    assert q.tthc_filters == ("1.001234",)
    assert [s.exact for s in q.free] == ["x"]
    unknown = parse("điều:5")
    assert [s.exact for s in unknown.free] == ["điều", "5"] and not unknown.has_filters


def test_empty_query() -> None:
    assert parse("").is_empty
    assert parse('  "" … ').is_empty


# --- snippets -------------------------------------------------------------------------------


def test_snippet_marks_matches_and_stays_short() -> None:
    text = ("Mở đầu. " * 60) + "Hồ sơ đề nghị hưởng trợ cấp thất nghiệp gồm: đơn. " + ("Kết. " * 60)
    snippet = make_snippet(text, parse("tro cap that nghiep"))
    assert "[[trợ]] [[cấp]] [[thất]] [[nghiệp]]" in snippet
    assert len(snippet) < 300 and snippet.startswith("…") and snippet.endswith("…")
    pieces = snippet_segments(snippet)
    assert ("trợ", True) in pieces and "".join(p for p, _ in pieces).count("[[") == 0


def test_snippet_prefers_exact_spelling_for_accented_query() -> None:
    text = "Bình Dương ở phía Nam. " * 20 + "Gọi đường dây nóng."
    snippet = make_snippet(text, parse("đường"))
    assert "[[đường]]" in snippet and "[[Dương]]" not in snippet


def test_snippet_breaks_markers_found_in_the_text() -> None:
    snippet = make_snippet("Mẫu [[số 1]] và ]] lao động", parse("lao động"))
    assert snippet_segments(snippet) == [("Mẫu [ [số 1] ] và ] ] ", False), ("lao", True),
                                         (" ", False), ("động", True)]
