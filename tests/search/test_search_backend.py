"""The whoosh backend behind the SearchBackend interface: updates, commits, rebuilds and swaps,
damage detection."""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from pathlib import Path

import pytest

from doccontrol.search import (
    IndexDoc,
    IndexUnavailable,
    SearchBackend,
    SearchRequest,
    fingerprint,
    make_doc_id,
    open_backend,
)
from doccontrol.search.whoosh_backend import POINTER
from doccontrol.core.text import code_key, slugify
from support.search_corpus import index_docs


def doc(code: str, title: str, text: str, revision: int = 1, status: str = "current",
        office: str = "VL") -> IndexDoc:
    slug = slugify(code)
    return IndexDoc(doc_id=make_doc_id(slug, revision), slug=slug, code=code,
                    code_key=code_key(code), office=office, title=title, revision=revision,
                    status=status, text=text)


def codes(hits: list) -> list[str]:
    return [h.code for h in hits]


@pytest.fixture
def backend(tmp_path: Path) -> SearchBackend:
    backend = open_backend(tmp_path / "index")
    backend.rebuild(index_docs(), commit="c1")
    return backend


def generation_dir(index_dir: Path) -> Path:
    return index_dir / (index_dir / POINTER).read_text().strip()


def test_missing_index_is_unavailable_not_empty(tmp_path: Path) -> None:
    backend = open_backend(tmp_path / "nothing")
    with pytest.raises(IndexUnavailable, match="does not exist"):
        backend.search(SearchRequest("lao động"))
    with pytest.raises(IndexUnavailable):
        backend.reflected_commit()
    with pytest.raises(IndexUnavailable):
        backend.replace_procedure("x", [], "c")
    assert backend.check()


def test_rebuild_records_commit_and_fingerprints(backend: SearchBackend) -> None:
    assert backend.reflected_commit() == "c1"
    assert backend.check() == []
    assert backend.doc_fingerprints() == {d.doc_id: fingerprint(d) for d in index_docs()}


def test_replace_procedure_replaces_all_revisions_and_records_commit(backend: SearchBackend) -> None:
    assert codes(backend.search(SearchRequest("gia hạn giấy phép lao động")))[0] == "QT.VL.07"
    rev1 = doc("QT.VL.07", "Gia hạn giấy phép lao động", "Quy định cũ về gia hạn.", 1, "superseded")
    rev2 = doc("QT.VL.07", "Gia hạn giấy phép lao động cho chuyên gia",
               "Quy định mới: gia hạn trực tuyến qua cổng dịch vụ công quốc gia.", 2)
    backend.replace_procedure(rev1.slug, [rev1, rev2], commit="c2")
    assert backend.reflected_commit() == "c2"
    hits = backend.search(SearchRequest("gia hạn trực tuyến"))
    assert [(h.doc_id, h.revision, h.status) for h in hits] == [("qt-vl-07@2", 2, "current")]
    assert backend.search(SearchRequest("quy định cũ về gia hạn")) == []
    everything = backend.search(SearchRequest("gia hạn giấy phép", all_revisions=True, limit=50))
    assert {"qt-vl-07@1", "qt-vl-07@2"} <= {h.doc_id for h in everything}
    prints = backend.doc_fingerprints()
    assert prints[rev2.doc_id] == fingerprint(rev2) and prints[rev1.doc_id] == fingerprint(rev1)
    assert len(prints) == len(index_docs()) + 1
    assert backend.check() == []


def test_replace_procedure_rejects_foreign_documents(backend: SearchBackend) -> None:
    other = doc("QT-X", "x", "y")
    with pytest.raises(ValueError):
        backend.replace_procedure("qt-vl-07", [other], commit="c2")
    assert backend.reflected_commit() == "c1"


def test_delete_and_withdraw(backend: SearchBackend) -> None:
    backend.delete_procedure(slugify("QT-TE-01"), commit="c3")
    assert backend.reflected_commit() == "c3"
    assert "QT-TE-01" not in codes(backend.search(SearchRequest("đường dây nóng", limit=50)))
    withdrawn = doc("QT-TE-02", "Áp dụng biện pháp can thiệp khẩn cấp", "can thiệp khẩn cấp",
                    status="withdrawn", office="TE")
    backend.replace_procedure(withdrawn.slug, [withdrawn], commit="c4")
    assert backend.search(SearchRequest('"can thiệp khẩn cấp"')) == []
    hits = backend.search(SearchRequest('"can thiệp khẩn cấp"', include_withdrawn=True))
    assert [(h.code, h.status) for h in hits] == [("QT-TE-02", "withdrawn")]


def test_many_small_updates_merge_with_the_bulk_segments(backend: SearchBackend) -> None:
    # small segments are merged by tiers (search/whoosh_update.py), those the bulk writer made included
    for i in range(12):
        d = doc(f"QT-TMP-{i:02d}", f"Thủ tục tạm {i}", f"Nội dung tạm thời số {i} về lao động.")
        backend.replace_procedure(d.slug, [d], commit=f"m{i}")
    assert backend.reflected_commit() == "m11"
    assert backend.check() == []
    assert codes(backend.search(SearchRequest("tạm thời số 7")))[0] == "QT-TMP-07"
    assert codes(backend.search(SearchRequest("trợ cấp thất nghiệp")))[0] == "QT-01/LĐTBXH"
    assert len(backend.doc_fingerprints()) == len(index_docs()) + 12


def test_parallel_rebuild_gives_the_same_index(tmp_path: Path) -> None:
    docs = index_docs()
    one = open_backend(tmp_path / "one")
    one.rebuild(docs, commit="c", procs=1)
    two = open_backend(tmp_path / "two")
    two.rebuild(iter(docs), commit="c", procs=2)
    assert two.doc_fingerprints() == one.doc_fingerprints()
    assert two.check() == []
    for query in ("trợ cấp thất nghiệp", "hoà giải", '"chăm sóc thay thế"', "QT.VL.07",
                  "office:NCC liệt sĩ"):
        a = [(h.doc_id, round(h.score, 6)) for h in one.search(SearchRequest(query, limit=50))]
        b = [(h.doc_id, round(h.score, 6)) for h in two.search(SearchRequest(query, limit=50))]
        assert a == b, query


def test_empty_rebuild(tmp_path: Path) -> None:
    backend = open_backend(tmp_path / "index")
    backend.rebuild([], commit="empty")
    assert backend.reflected_commit() == "empty"
    assert backend.search(SearchRequest("lao động")) == []
    assert backend.doc_fingerprints() == {}
    assert backend.check() == []


def test_rebuild_swaps_atomically_and_old_readers_keep_working(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    writer = open_backend(index_dir)
    writer.rebuild([doc("QT-A", "Thủ tục cũ", "nội dung phiên bản một")], commit="g1")
    reader = open_backend(index_dir)
    assert codes(reader.search(SearchRequest("phiên bản một"))) == ["QT-A"]
    old_dir = generation_dir(index_dir)
    old_snapshot = reader._current_snapshot()  # an open searcher on the old generation

    writer.rebuild([doc("QT-B", "Thủ tục mới", "nội dung phiên bản hai")], commit="g2")
    assert generation_dir(index_dir) != old_dir and old_dir.is_dir()
    # the searcher opened before the swap still reads the old generation
    assert old_snapshot.searcher.document(doc_id="qt-a@1")["title"] == "Thủ tục cũ"
    # a search notices the swap
    assert codes(reader.search(SearchRequest("phiên bản hai"))) == ["QT-B"]
    assert reader.search(SearchRequest("phiên bản một")) == []
    assert reader.reflected_commit() == "g2"

    writer.rebuild([doc("QT-C", "Thủ tục ba", "nội dung phiên bản ba")], commit="g3")
    assert not old_dir.exists()  # two generations back: removed
    assert sorted(p.name for p in index_dir.iterdir() if p.is_dir()).__len__() == 2


def test_readers_never_fail_while_rebuilds_swap(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    writer = open_backend(index_dir)
    writer.rebuild([doc("QT-A", "Thủ tục", "lao động số 0")], commit="r0")
    errors: list[BaseException] = []
    seen: set[tuple[str, ...]] = set()
    stop = threading.Event()

    def read() -> None:
        reader = open_backend(index_dir)
        while not stop.is_set():
            try:
                hits = reader.search(SearchRequest("lao động"))
                seen.add(tuple(h.doc_id for h in hits))
            except BaseException as e:  # noqa: BLE001 - collected for the assertion
                errors.append(e)
                return

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for i in range(1, 6):
            writer.rebuild([doc(f"QT-{i}", "Thủ tục", f"lao động số {i}")], commit=f"r{i}")
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert all(len(ids) == 1 for ids in seen)


def test_a_reader_slow_to_open_the_live_generation_reads_the_pointer_again(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The race behind the test above, made certain: between reading the pointer and opening its
    generation, two rebuilds publish theirs and the second removes the one the reader was about
    to open. The reader opens the generation live now instead of calling the index unavailable."""
    index_dir = tmp_path / "index"
    writer = open_backend(index_dir)
    writer.rebuild([doc("QT-A", "Thủ tục", "lao động số 0")], commit="r0")
    reader = open_backend(index_dir)
    real_open = type(reader)._open_generation
    raced: list[str] = []

    def slow_open(self, name: str):  # type: ignore[no-untyped-def]
        if not raced and self is reader:
            raced.append(name)
            for i in (1, 2):
                writer.rebuild([doc(f"QT-{i}", "Thủ tục", f"lao động số {i}")], commit=f"r{i}")
            assert not (index_dir / name).exists()  # the generation it read the name of is gone
        return real_open(self, name)

    monkeypatch.setattr(type(reader), "_open_generation", slow_open)
    assert codes(reader.search(SearchRequest("lao động"))) == ["QT-2"]
    assert raced


def test_failed_rebuild_leaves_the_live_index_alone(backend: SearchBackend, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    live = generation_dir(index_dir)

    def broken():
        yield from index_docs()[:3]
        raise RuntimeError("repository read failed")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken(), commit="bad")
    assert generation_dir(index_dir) == live
    assert [p for p in index_dir.iterdir() if p.is_dir()] == [live]
    assert backend.reflected_commit() == "c1"
    dup = index_docs()[:2] + index_docs()[:1]
    with pytest.raises(ValueError, match="duplicate"):
        backend.rebuild(dup, commit="dup")
    assert backend.check() == []


def test_deleted_index_is_reported(backend: SearchBackend, tmp_path: Path) -> None:
    gdir = generation_dir(tmp_path / "index")
    for f in gdir.iterdir():
        f.unlink()
    gdir.rmdir()
    problems = backend.check()
    assert problems and "lacks directory" in problems[0]
    with pytest.raises(IndexUnavailable):
        backend.search(SearchRequest("lao động"))


def test_pointer_to_nowhere_and_old_format(backend: SearchBackend, tmp_path: Path) -> None:
    gdir = generation_dir(tmp_path / "index")
    meta = gdir / "doccontrol-index.json"
    meta.write_text(json.dumps({"format": 0}))
    with pytest.raises(IndexUnavailable, match="format"):
        open_backend(tmp_path / "index").search(SearchRequest("lao động"))
    for garbage in ("../elsewhere\n", "g12-ab\x00\n", "\n"):
        (tmp_path / "index" / POINTER).write_text(garbage)
        assert open_backend(tmp_path / "index").check()
        with pytest.raises(IndexUnavailable, match="pointer"):
            open_backend(tmp_path / "index").search(SearchRequest("lao động"))
    (tmp_path / "index" / POINTER).write_bytes(b"\xff\xfe garbled")
    with pytest.raises(IndexUnavailable):
        open_backend(tmp_path / "index").reflected_commit()


def _segment_files(gdir: Path) -> list[Path]:
    return sorted(p for p in gdir.iterdir() if p.suffix == ".seg")


def test_truncated_segment_is_reported_and_search_refuses(backend: SearchBackend,
                                                          tmp_path: Path) -> None:
    gdir = generation_dir(tmp_path / "index")
    biggest = max(_segment_files(gdir), key=lambda p: p.stat().st_size)
    with biggest.open("r+b") as f:
        f.truncate(biggest.stat().st_size // 2)
    fresh = open_backend(tmp_path / "index")
    problems = fresh.check()
    assert any("corrupt" in p for p in problems), problems
    with pytest.raises(IndexUnavailable):
        fresh.search(SearchRequest("lao động"))
    with pytest.raises(IndexUnavailable):
        backend.search(SearchRequest("trợ cấp thất nghiệp"))  # an already open backend too


def test_garbled_segment_is_reported_and_search_refuses(backend: SearchBackend,
                                                        tmp_path: Path) -> None:
    gdir = generation_dir(tmp_path / "index")
    for seg in _segment_files(gdir):
        size = seg.stat().st_size
        if size < 1000:
            continue
        with seg.open("r+b") as f:
            f.seek(size // 10)
            f.write(os.urandom(size * 8 // 10))
    fresh = open_backend(tmp_path / "index")
    assert any("corrupt" in p for p in fresh.check())
    with pytest.raises(IndexUnavailable):
        fresh.search(SearchRequest("hồ sơ lao động"))


def test_damage_that_whoosh_does_not_notice_is_still_found_by_check(backend: SearchBackend,
                                                                    tmp_path: Path) -> None:
    gdir = generation_dir(tmp_path / "index")
    seg = max(_segment_files(gdir), key=lambda p: p.stat().st_size)
    data = bytearray(seg.read_bytes())
    data[-1] ^= 0xFF  # one bit at the very end
    seg.write_bytes(bytes(data))
    assert any("corrupt" in p for p in backend.check())


def test_index_doc_validates_status() -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(index_docs()[0], status="draft")


def test_bulk_written_segments_read_the_same_through_whoosh(tmp_path: Path) -> None:
    """The bulk writer's postings, as whoosh's own matchers read them, equal what doccontrol's
    reader decodes (both whoosh block sizes: many documents per term and few)."""
    from whoosh import query as wq

    from doccontrol.search.whoosh_bulk import BLOCK_LIMIT

    filler = [doc(f"QT-F-{i:04d}", f"Thủ tục số {i}", "lao động việc làm " * (1 + i % 7))
              for i in range(BLOCK_LIMIT + 300)]
    backend = open_backend(tmp_path / "index")
    backend.rebuild(index_docs() + filler, commit="c", procs=1)
    snap = backend._current_snapshot()
    searcher = snap.searcher
    for field, term in (("body_f", "lao"), ("body_x", "động"), ("body_bi", "lao_dong"),
                        ("title_f", "so"), ("body_f", "nghiep"), ("tthc", "1.001978"),
                        ("status", "current")):
        postings = snap.lists.postings(field, term)
        mine = dict(zip(postings.ids, postings.weights))  # (plain lists: the reader needs no numpy)
        matcher = searcher.postings(field, term.encode("utf-8"))
        theirs = {}
        while matcher.is_active():
            theirs[matcher.id()] = matcher.weight()
            matcher.next()
        assert mine == theirs, (field, term)
        assert searcher.doc_frequency(field, term.encode("utf-8")) == len(mine)
        found = set(searcher.docs_for_query(wq.Term(field, term)))
        assert found == set(mine)
    lengths = snap.lists.lengths("body_f")
    reader = searcher.reader()
    for docnum in (0, 7, len(lengths) - 1):
        assert lengths[docnum] == reader.doc_field_length(docnum, "body_f")


def test_replace_procedures_in_one_commit(backend: SearchBackend) -> None:
    a = doc("QT-NEW-01", "Thủ tục mới một", "nội dung hoàn toàn mới số một")
    b = doc("QT-NEW-02", "Thủ tục mới hai", "nội dung hoàn toàn mới số hai")
    gone = doc("QT.VL.07", "Gia hạn giấy phép lao động", "bản sửa đổi gia hạn", 2)
    backend.replace_procedures({a.slug: [a], b.slug: [b], gone.slug: [gone]}, commit="batch")
    assert backend.reflected_commit() == "batch"
    assert set(codes(backend.search(SearchRequest("hoàn toàn mới", limit=50)))) == {
        "QT-NEW-01", "QT-NEW-02"}
    prints = backend.doc_fingerprints()
    assert "qt-vl-07@1" not in prints and prints["qt-vl-07@2"] == fingerprint(gone)


def test_threads_can_share_one_backend(backend: SearchBackend) -> None:
    errors: list[BaseException] = []
    results: dict[str, set[tuple[str, ...]]] = {}
    queries = ["trợ cấp thất nghiệp", "hoà giải", '"chăm sóc thay thế"', "office:NCC", "QT.VL.07"]

    def work() -> None:
        try:
            for _ in range(6):
                for q in queries:
                    ids = tuple(h.doc_id for h in backend.search(SearchRequest(q)))
                    results.setdefault(q, set()).add(ids)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(len(answers) == 1 for answers in results.values())


@pytest.mark.slow
def test_parallel_rebuild_with_spawned_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A process with threads (the watcher) spawns its writer processes instead of forking."""
    from doccontrol.search import whoosh_backend

    monkeypatch.setattr(whoosh_backend, "_start_method", lambda: "spawn")
    backend = open_backend(tmp_path / "index")
    backend.rebuild(index_docs(), commit="spawned", procs=2)
    assert backend.check() == []
    assert backend.doc_fingerprints() == {d.doc_id: fingerprint(d) for d in index_docs()}
    assert codes(backend.search(SearchRequest("trợ cấp thất nghiệp")))[0] == "QT-01/LĐTBXH"


def _big_index(tmp_path: Path) -> tuple[SearchBackend, Path]:
    filler = [doc(f"QT-F-{i:04d}", f"Thủ tục số {i}", "lao động việc làm " * (1 + i % 5))
              for i in range(400)]
    backend = open_backend(tmp_path / "index")
    backend.rebuild(index_docs() + filler, commit="c", procs=1)
    return backend, generation_dir(tmp_path / "index")


def test_postings_cache_is_an_accelerator_only(tmp_path: Path) -> None:
    backend, gdir = _big_index(tmp_path)
    caches = sorted(gdir.glob("*.dcp"))
    assert caches  # long lists (lao, động ...) were cached by the bulk writer
    expected = [(h.doc_id, h.score) for h in backend.search(SearchRequest("lao động", limit=50))]
    for cache in caches:
        cache.unlink()
    fresh = open_backend(tmp_path / "index")
    assert [(h.doc_id, h.score) for h in fresh.search(SearchRequest("lao động", limit=50))] == expected
    assert fresh.check() == []  # whoosh's own files are complete without it


def test_damaged_postings_cache_is_reported_not_believed(tmp_path: Path) -> None:
    from doccontrol.search import postings_cache

    backend, gdir = _big_index(tmp_path)
    (cache,) = [c for c in gdir.glob("*.dcp") if c.stat().st_size > 100]
    reader = postings_cache.Reader(cache)
    offset, size = reader.entry("body_f", "lao")[:2]
    reader.close()
    data = bytearray(cache.read_bytes())
    data[offset + size // 2] ^= 0x55  # inside the postings of "lao"
    cache.write_bytes(bytes(data))
    fresh = open_backend(tmp_path / "index")
    assert any("corrupt" in p for p in fresh.check())
    with pytest.raises(IndexUnavailable):
        fresh.search(SearchRequest("lao động"))
