"""Incremental updates of the whoosh index (search/whoosh_update.py): documents replaced in one
new segment, deletions in the segments that held them, merges by tiers keeping segments few."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index

from doccontrol.core.text import code_key, slugify
from doccontrol.search import IndexDoc, SearchRequest, fingerprint, make_doc_id, open_backend
from doccontrol.search.whoosh_backend import INDEX_NAME, POINTER
from doccontrol.search.whoosh_update import MERGE_FACTOR, tier, to_merge


def doc(number: int, revision: int = 1, status: str = "current") -> IndexDoc:
    code = f"QT-{number:03d}/LĐVL"
    slug = slugify(code)
    return IndexDoc(doc_id=make_doc_id(slug, revision), slug=slug, code=code, code_key=code_key(code), office="LDVL",
                    title=f"Thủ tục số {number}", revision=revision, status=status, tthc=("1.000123",),
                    text=f"Nội dung lần {revision} của thủ tục số {number}: hồ sơ, thời hạn giải quyết.",
                    issued="2024-01-0{}".format(1 + revision % 9))


def segments(index_dir: Path) -> int:
    gdir = index_dir / (index_dir / POINTER).read_text().strip()
    return len(whoosh_index.open_dir(str(gdir), indexname=INDEX_NAME)._segments())


def test_tiers_merge_when_one_holds_merge_factor_segments() -> None:
    assert [tier(n) for n in (0, 1, 9, 10, 99, 100, 20000)] == [1, 1, 1, 2, 2, 3, 5]
    seven = [(f"s{i}", 50) for i in range(MERGE_FACTOR - 1)]
    assert to_merge(seven + [("big", 20000)]) == []
    eight = seven + [("s7", 60)]
    assert to_merge(eight + [("big", 20000)]) == [s for s, _ in eight]
    # a merge of small ones lands in the tier above: with seven there, that tier merges too
    small = [(f"t{i}", 9) for i in range(MERGE_FACTOR)]  # 72 documents: tier 2
    assert to_merge(small + seven) == [s for s, _ in small] + [s for s, _ in seven]
    # big segments are left alone (a merge holds what it copies in memory)
    assert to_merge([(f"b{i}", 5000) for i in range(MERGE_FACTOR)]) == []


def test_many_updates_keep_segments_few_and_the_index_exact(tmp_path: Path) -> None:
    backend = open_backend(tmp_path / "index")
    expected = {n: [doc(n)] for n in range(30)}
    backend.rebuild([d for docs in expected.values() for d in docs], commit="c0")
    for step in range(1, 60):
        changed: dict[int, list[IndexDoc]] = {}
        revised = step % 30  # a new revision of one procedure (its old one superseded) ...
        older = expected[revised]
        top = older[0].revision if older else 0
        changed[revised] = [doc(revised, top + 1)] + ([doc(revised, top, "superseded")] + older[1:] if older else [])
        changed[100 + step] = [doc(100 + step)]  # ... and a new procedure
        if step % 17 == 0:
            changed[step % 30 + 1] = []  # a procedure gone from the index
        backend.replace_procedures({doc(n).slug: docs for n, docs in changed.items()}, commit=f"c{step}")
        expected.update(changed)
        assert segments(tmp_path / "index") <= 2 * MERGE_FACTOR
    assert backend.reflected_commit() == "c59"
    assert backend.check() == []
    assert backend.doc_fingerprints() == {d.doc_id: fingerprint(d) for docs in expected.values() for d in docs}
    hits = backend.search(SearchRequest("thủ tục số 7"))
    assert hits and hits[0].code == "QT-007/LĐVL" and hits[0].revision == expected[7][0].revision
