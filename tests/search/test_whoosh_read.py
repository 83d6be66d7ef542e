"""The whoosh reader's own parts: ranking that scores only the documents that can still enter the
top k (exactly what scoring every candidate gives, ties included), and stored fields read as
whoosh reads them."""

from __future__ import annotations

import random
from array import array
from pathlib import Path

import pytest

from doccontrol.core.text import code_key
from doccontrol.search import IndexDoc, open_backend
from doccontrol.search import whoosh_read
from doccontrol.search.plan import Part
from doccontrol.search.whoosh_read import K1, Postings, top_k
from support.search_corpus import index_docs


class _Lists:
    """Postings and length codes as plain data (what ``top_k`` reads of ``whoosh_read.Lists``)."""

    def __init__(self, n: int, postings: dict[tuple[str, str], Postings], codes: dict[str, bytes]) -> None:
        self.doc_count = n
        self._postings = postings
        self._codes = codes

    def postings(self, field: str, term: str) -> Postings:
        return self._postings.get((field, term), whoosh_read.EMPTY)

    def documents(self, field: str, term: str) -> frozenset[int]:
        return frozenset(self.postings(field, term).ids)

    def length_codes(self, field: str) -> bytes:
        return self._codes[field]

    def norms(self, field: str, b: float) -> list[float]:
        return [K1 * (1.0 - b + b * (code + 1) / 40.0) for code in range(256)]


def _case(rng: random.Random) -> tuple[_Lists, list[Part], set[int]]:
    """A random index: common syllables in most documents, a rarer one in titles, many ties."""
    n = rng.randint(20, 1500)
    fields = ("body_f", "title_f", "body_bi", "title_bi")
    codes = {f: bytes(rng.choice((3, 9, 9, 9, 30)) for _ in range(n)) for f in fields}
    postings: dict[tuple[str, str], Postings] = {}
    parts: list[Part] = []
    for group, term in enumerate(("ho", "so", "le")[:rng.randint(1, 3)], 1):
        share = rng.choice((0.3, 0.9, 1.0))
        for field, weight, required in (("body_f", 1.0, True), ("title_f", 3.0, False)):
            docs = sorted(d for d in range(n) if rng.random() < (share if field == "body_f" else share / 8))
            postings[(field, term)] = Postings(docs, [float(rng.choice((1, 1, 2, 5))) for _ in docs])
            parts.append(Part(field, term, weight, group if required else None, scored=rng.random() < 0.9))
    for field, weight in (("body_bi", 1.5), ("title_bi", 4.0)):
        docs = sorted(d for d in range(n) if rng.random() < (0.5 if field == "body_bi" else 0.05))
        postings[(field, "ho_so")] = Postings(docs, [float(rng.choice((1, 2))) for _ in docs])
        parts.append(Part(field, "ho_so", weight))
    allowed = {d for d in range(n) if rng.random() < rng.choice((0.5, 1.0))}
    return _Lists(n, postings, codes), parts, allowed


def test_pruned_ranking_is_the_full_ranking(monkeypatch: pytest.MonkeyPatch) -> None:
    pruned = []
    original = whoosh_read._top_k_pruned

    def counted(*args: object) -> object:
        found = original(*args)  # type: ignore[arg-type]
        pruned.append(found is not None)
        return found

    monkeypatch.setattr(whoosh_read, "_top_k_pruned", counted)
    rng = random.Random(15)
    for _ in range(200):
        lists, parts, allowed = _case(rng)
        k = rng.choice((1, 3, 10, 40))
        exclude = set(rng.sample(sorted(allowed), min(len(allowed), rng.choice((0, 0, 2)))))
        found = top_k(lists, parts, allowed, k, {"title_f": 0.3, "title_bi": 0.3}, exclude)  # type: ignore[arg-type]
        monkeypatch.setattr(whoosh_read, "_top_k_pruned", lambda *args: None)
        every = top_k(lists, parts, allowed, k, {"title_f": 0.3, "title_bi": 0.3}, exclude)  # type: ignore[arg-type]
        monkeypatch.setattr(whoosh_read, "_top_k_pruned", counted)
        assert found == every  # the same documents, order and scores (to the bit)
    assert sum(pruned) > 20 and not all(pruned), sum(pruned)  # both ways were taken


def _leaves_and_lists(index: Path) -> whoosh_read.Lists:
    return open_backend(index)._current_snapshot().lists  # type: ignore[attr-defined, no-any-return]


def test_stored_fields_read_as_whoosh_reads_them(tmp_path: Path) -> None:
    backend = open_backend(tmp_path / "index")
    backend.rebuild(index_docs(), commit="c1", procs=1)
    changed = IndexDoc(doc_id="qt-new-01@1", slug="qt-new-01", code="QT-NEW-01", code_key=code_key("QT-NEW-01"),
                       office="VL", title="Thủ tục mới", revision=1, status="current", text="nội dung")
    backend.replace_procedures({changed.slug: [changed]}, commit="c2")  # a second segment
    lists = _leaves_and_lists(tmp_path / "index")
    assert len(lists.leaves) > 1
    for docnum in range(lists.doc_count):
        assert lists.stored(docnum) == lists.reader.stored_fields(docnum)


def test_stored_fields_of_a_segment_that_keeps_its_offsets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A segment of more than 32,768 documents stores each document's offset too (whoosh's
    ``write_offsets_cutoff``): made here with a few documents and a lower cutoff."""
    from whoosh import columns

    writer_init = columns.CompressedBytesColumn.Writer.__init__

    def low_cutoff(self: columns.CompressedBytesColumn.Writer, *args: object) -> None:
        writer_init(self, *args)
        self.cutoff = 4

    monkeypatch.setattr(columns.CompressedBytesColumn.Writer, "__init__", low_cutoff)
    open_backend(tmp_path / "index").rebuild(index_docs(), commit="c1", procs=1)
    monkeypatch.undo()
    lists = _leaves_and_lists(tmp_path / "index")
    for docnum in range(lists.doc_count):
        assert lists.stored(docnum) == lists.reader.stored_fields(docnum)
    assert any(isinstance(column.offsets, array) for column in lists._stored if column is not None)
