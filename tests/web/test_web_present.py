"""The web view's pure helpers: search form, diffs, master-list order, download names, labels."""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata

import pytest

from doccontrol.core.model import ProcedureState
from doccontrol.web import labels, present


def state(code: str = "QT-01/LĐTBXH", **kw: object) -> ProcedureState:
    base = dict(code=code, code_key=code.lower(), slug="qt-01-ldtbxh", office="LDVL", title="Cấp giấy phép",
                revision=2, status="current", sha256="ab" * 32, text_sha256="cd" * 32,
                source="QT-01 lần 2.docx", ext="docx")
    base.update(kw)
    return ProcedureState(**base)  # type: ignore[arg-type]


# --- search form ------------------------------------------------------------------------------------


def test_search_form_reads_validates_and_round_trips() -> None:
    form = present.search_form({"q": "  tro   cap ", "office": "NCC", "status": "all", "limit": "40"}, ["VP", "NCC"])
    assert (form.query, form.office, form.scope, form.limit) == ("tro cap", "NCC", "all", 40)
    request = form.request
    assert request.office == "NCC" and request.all_revisions and request.include_withdrawn and request.limit == 40
    assert form.args() == {"q": "tro cap", "office": "NCC", "status": "all", "limit": "40"}
    assert present.search_form({"q": "x"}, []).args(limit=40) == {"q": "x", "limit": "40"}


@pytest.mark.parametrize("args, expected", [
    ({"office": "NOPE"}, ("", "current", 20)),
    ({"status": "bogus", "limit": "abc"}, ("", "current", 20)),
    ({"limit": "-3"}, ("", "current", 1)),
    ({"limit": "99999"}, ("", "current", 200)),
    ({"status": "withdrawn"}, ("", "withdrawn", 20)),
])
def test_search_form_falls_back_on_odd_values(args: dict[str, str], expected: tuple[str, str, int]) -> None:
    form = present.search_form(args, ["VP"])
    assert (form.office, form.scope, form.limit) == expected


def test_search_form_scopes_map_to_the_request_flags() -> None:
    current = present.SearchForm(query="x").request
    withdrawn = present.SearchForm(query="x", scope="withdrawn").request
    assert current.statuses() == ("current",)
    assert withdrawn.statuses() == ("current", "withdrawn")
    assert present.SearchForm(query="x", scope="all").request.statuses() == ("current", "superseded", "withdrawn")


def test_search_query_is_nfc_and_bounded() -> None:
    nfd = unicodedata.normalize("NFD", "trợ cấp")
    assert present.search_form({"q": nfd}, []).query == "trợ cấp"
    assert len(present.search_form({"q": "a" * 5000}, []).query) == present.MAX_QUERY


# --- diffs --------------------------------------------------------------------------------------------


def unified(old: str, new: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), "a", "b"))


def test_diff_hunks_number_lines_and_mark_changed_words() -> None:
    old = "một\nhai\nba: thời hạn 05 ngày\nbốn\n"
    new = "một\nhai\nba: thời hạn 10 ngày\nbốn\nnăm\n"
    (hunk,) = present.diff_hunks(unified(old, new))
    assert hunk.header.startswith("@@ -1,4 +1,5 @@")
    kinds = [(line.kind, line.old, line.new) for line in hunk.lines]
    assert kinds == [("ctx", 1, 1), ("ctx", 2, 2), ("del", 3, None), ("add", None, 3), ("ctx", 4, 4), ("add", None, 5)]
    removed, added = hunk.lines[2], hunk.lines[3]
    assert [t for t, changed in removed.segments if changed] == ["05"]
    assert [t for t, changed in added.segments if changed] == ["10"]
    assert "".join(t for t, _ in added.segments) == "ba: thời hạn 10 ngày"
    assert hunk.lines[5].segments == [("năm", True)]
    assert present.diff_counts([hunk]) == (1, 2)


def test_unrelated_lines_are_not_paired_word_by_word() -> None:
    (hunk,) = present.diff_hunks(unified("x\nhoàn toàn khác\n", "x\nabc def ghi\n"))
    assert hunk.lines[1].segments == [("hoàn toàn khác", True)]
    assert hunk.lines[2].segments == [("abc def ghi", True)]


def test_diff_of_identical_texts_is_empty_and_several_hunks_restart_numbers() -> None:
    assert present.diff_hunks("") == []
    old = "".join(f"dòng {i}\n" for i in range(1, 40))
    new = old.replace("dòng 2\n", "dòng hai\n").replace("dòng 35\n", "dòng ba lăm\n")
    hunks = present.diff_hunks(unified(old, new))
    assert len(hunks) == 2
    assert [line.old for line in hunks[1].lines if line.kind == "del"] == [35]


# --- master list ------------------------------------------------------------------------------------


def test_sort_states_natural_codes_folded_titles_and_dates_last() -> None:
    a = state("QT-10", code_key="qt-10", title="Đăng ký", revision=1, issued=dt.date(2023, 1, 1))
    b = state("QT-2", code_key="qt-2", title="cấp lại", revision=3, issued=None)
    c = state("QT-1", code_key="qt-1", title="Ân giảm", revision=2, issued=dt.date(2024, 5, 1))
    codes = lambda items: [s.code for s in items]  # noqa: E731
    assert codes(present.sort_states([a, b, c], "code")) == ["QT-1", "QT-2", "QT-10"]
    assert codes(present.sort_states([a, b, c], "code", descending=True)) == ["QT-10", "QT-2", "QT-1"]
    assert codes(present.sort_states([a, b, c], "title")) == ["QT-1", "QT-2", "QT-10"]  # Ân, cấp, Đăng (folded)
    assert codes(present.sort_states([a, b, c], "revision", descending=True)) == ["QT-2", "QT-1", "QT-10"]
    assert codes(present.sort_states([a, b, c], "issued")) == ["QT-10", "QT-1", "QT-2"]
    assert codes(present.sort_states([a, b, c], "issued", descending=True)) == ["QT-1", "QT-10", "QT-2"]


def test_group_by_office_follows_the_configuration_then_unknown_offices() -> None:
    items = [state("A", office="NCC"), state("B", office="OLD"), state("C", office="VP"), state("D", office="NCC")]
    groups = present.group_by_office(items, ["VP", "LDVL", "NCC"])
    assert [(office, [s.code for s in group]) for office, group in groups] == [
        ("VP", ["C"]), ("NCC", ["A", "D"]), ("OLD", ["B"])]


# --- downloads ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [
    "QT-01 lần 2.docx", "../../etc/passwd.docx", "C:\\Users\\a\\QT.docx", "evil\r\nSet-Cookie: x.docx",
    "QT-01.pdf", "", ".docx", "doccontrol.toml", unicodedata.normalize("NFD", "Quy trình.docx"),
])
def test_download_name_is_the_export_name_never_the_dropped_one(source: str) -> None:
    """Issue 12: the name an office chose is data; a revision downloads (and exports) as
    ``<code-slug>_r<N>.<ext>``, the stored type's extension."""
    assert present.download_name(state(source=source)) == "qt-01-ldtbxh_r2.docx"


def test_content_types() -> None:
    assert present.content_type("pdf") == "application/pdf"
    assert present.content_type("DOCX").endswith("wordprocessingml.document")
    assert present.content_type("exe") == "application/octet-stream"


# --- small formatters ---------------------------------------------------------------------------------


def test_dates_sizes_and_index_states() -> None:
    assert present.date_vi(dt.date(2024, 3, 5)) == "05/03/2024" and present.date_vi(None) == ""
    assert present.timestamp_vi("2026-11-25T21:31:41+00:00") == "25/11/2026 21:31"
    assert present.timestamp_vi("not a date") == "not a date"
    assert present.size_vi(512) == "512 B" and present.size_vi(39961) == "39 KB"
    assert present.size_vi(5 * 1024 * 1024 + 100) == "5,0 MB"
    assert present.index_state({"state": "current", "behind": False}) == "current"
    assert present.index_state({"state": "behind", "behind": True}) == "behind"
    assert present.index_state({"state": "unavailable"}) == "unavailable"
    # Only the states the one freshness check emits; anything else (its "error") shows as unknown.
    assert present.index_state({"state": "up to date"}) == "unknown"
    assert present.index_state({"state": "error", "detail": "RuntimeError: x"}) == "unknown"
    assert present.index_state({"state": "unknown"}) == "unknown"


def test_reason_summary_takes_the_clerks_line() -> None:
    reason = "Tệp: a.docx\nPhòng: VP\nLý do: Lần ban hành phải tăng.\nCách xử lý: sửa.\n\nReason: must increase\n"
    assert present.reason_summary(reason) == "Lần ban hành phải tăng."
    assert present.reason_summary("something else\n") == "something else"
    assert present.reason_summary("") == ""


def test_labels_escape_and_switch_language() -> None:
    vi = labels.both(labels.LABELS, "nav_search", "vi")
    en = labels.both(labels.LABELS, "nav_search", "en")
    assert str(vi) == 'Tìm kiếm <span class="alt" lang="en">Search</span>'
    assert str(en) == 'Search <span class="alt" lang="vi">Tìm kiếm</span>'
    hostile = {"x": ("<b>", "<i>")}
    assert str(labels.both(hostile, "x", "vi")) == '&lt;b&gt; <span class="alt" lang="en">&lt;i&gt;</span>'
    assert labels.plain(labels.LABELS, "nav_list", "en") == "Master list"
    assert labels.pair(labels.STATUS, "unknown-status") == ("unknown-status", "unknown-status")


def test_every_label_has_both_languages() -> None:
    for table in (labels.LABELS, labels.STATUS, labels.ACTION, labels.LINK_SOURCE, labels.INGEST_STATUS):
        for key, (vi, en) in table.items():
            assert vi.strip() and en.strip(), key
            assert unicodedata.normalize("NFC", vi) == vi, key
