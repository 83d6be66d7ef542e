"""Graded relevance: for each query of tests/search_corpus.py the expected procedure is FIRST."""

from __future__ import annotations

import unicodedata

import pytest

from doccontrol.search import CURRENT, SearchRequest, open_backend
from doccontrol.search.backend import ENGINES, SearchBackend
from doccontrol.core.text import code_key
from support.search_corpus import CASES, HIDDEN_BY_DEFAULT, NFD, PROCEDURES, Case, index_docs


@pytest.fixture(scope="module", params=ENGINES)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SearchBackend:
    """The same relevance tests on each engine (whoosh, tantivy)."""
    if request.param == "tantivy":
        pytest.importorskip("tantivy", reason="the tantivy engine is not installed (pip install tantivy)")
    backend = open_backend(tmp_path_factory.mktemp("relevance") / "index", request.param)
    backend.rebuild(index_docs(), commit="c0ffee")
    return backend


def test_the_corpus_is_big_enough() -> None:
    assert len({p.code for p in PROCEDURES}) >= 40
    assert len(CASES) >= 30
    assert any(c.options.get(NFD) for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.query for c in CASES])
def test_expected_procedure_comes_first(backend: SearchBackend, case: Case) -> None:
    options = dict(case.options)
    query = unicodedata.normalize("NFD", case.query) if options.pop(NFD, False) else case.query
    hits = backend.search(SearchRequest(query, **options))  # type: ignore[arg-type]
    assert hits, f"nothing found for {case.query!r} ({case.why})"
    got = [(h.code, round(h.score, 2)) for h in hits[:3]]
    assert code_key(hits[0].code) == code_key(case.first), f"{case.why}: {got}"
    assert hits[0].snippet


def test_default_search_shows_only_current_revisions(backend: SearchBackend) -> None:
    for query in ("con dấu văn thư lưu trữ", "quy trình", "lao động"):
        hits = backend.search(SearchRequest(query, limit=100))
        assert hits and all(h.status == CURRENT for h in hits)
    hits = backend.search(SearchRequest("con dấu văn thư lưu trữ", all_revisions=True))
    assert {h.doc_id for h in hits} >= {"qt-vp-06@1", "qt-vp-06@2"}
    assert hits[0].doc_id == "qt-vp-06@2"  # the current revision matches as well and is newer


@pytest.mark.parametrize(("query", "doc_id", "options"), HIDDEN_BY_DEFAULT,
                         ids=[q for q, _, _ in HIDDEN_BY_DEFAULT])
def test_old_and_withdrawn_texts_only_when_asked(backend: SearchBackend, query: str,
                                                 doc_id: str, options: dict) -> None:
    assert doc_id not in {h.doc_id for h in backend.search(SearchRequest(query))}
    hits = backend.search(SearchRequest(query, **options))
    assert hits and hits[0].doc_id == doc_id


def test_a_query_with_diacritics_ranks_the_exact_word_first(backend: SearchBackend) -> None:
    for word, must_contain in (("đường", "đường"), ("dương", "dương"), ("đương", "đương")):
        hits = backend.search(SearchRequest(word))
        assert word in hits[0].snippet.lower() or must_contain in hits[0].title.lower()
    # Without diacritics all three spellings are found.
    folded = {h.code for h in backend.search(SearchRequest("duong", limit=50))}
    assert {"QT-TE-01", "QT-LĐ-03", "QT-VP-03"} <= folded


def test_all_words_must_occur(backend: SearchBackend) -> None:
    assert backend.search(SearchRequest("trợ cấp thất nghiệp xyzzy")) == []
    assert backend.search(SearchRequest('"thất nghiệp trợ cấp"')) == []


def test_quoted_phrase_is_adjacent_and_in_order(backend: SearchBackend) -> None:
    hits = backend.search(SearchRequest('"hài cốt liệt sĩ"', limit=50))
    assert [h.code for h in hits] == ["QT-NCC-03"]
    scattered = backend.search(SearchRequest("liệt sĩ hài cốt", limit=50))
    assert scattered[0].code == "QT-NCC-03"


def test_limit_and_office_request_filter(backend: SearchBackend) -> None:
    assert len(backend.search(SearchRequest("lao động", limit=3))) == 3
    hits = backend.search(SearchRequest("giấy phép", office="vl", limit=50))
    assert hits and {h.office for h in hits} == {"VL"}
    assert backend.search(SearchRequest("", office="NCC", limit=50))  # browse an office


def test_snippets_mark_the_query_words(backend: SearchBackend) -> None:
    (hit, *_) = backend.search(SearchRequest("tro cap uu dai thuong binh"))
    assert "[[" in hit.snippet and "]]" in hit.snippet
    assert "\n" not in hit.snippet


def test_filters_alone_list_in_code_order(backend: SearchBackend) -> None:
    hits = backend.search(SearchRequest("office:NCC", limit=50))
    assert [h.code for h in hits] == [f"QT-NCC-0{i}" for i in range(1, 7)]
    hits = backend.search(SearchRequest("code:qt-vp-06", all_revisions=True))
    assert [h.doc_id for h in hits] == ["qt-vp-06@2", "qt-vp-06@1"]
    assert [h.code for h in backend.search(SearchRequest("tthc:1.000105"))] == ["QT.VL.05"]
