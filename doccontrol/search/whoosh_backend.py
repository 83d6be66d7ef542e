"""The whoosh implementation of :class:`doccontrol.search.backend.SearchBackend`.

Layout of ``index_dir``::

    CURRENT                  name of the live generation directory (replaced with os.replace)
    g<time>-<random>/        one complete whoosh index ("generation")
        doccontrol-index.json  {"format": FORMAT}: the schema version of this generation
        checksums.json         size and sha256 of every whoosh file, refreshed after each commit
        MAIN_*.seg, _MAIN_<n>.toc

A rebuild writes a new generation and then points ``CURRENT`` at it; readers that opened the
old one keep reading it (it is kept until the next rebuild).  Incremental updates
(:meth:`WhooshBackend.replace_procedure`, :meth:`WhooshBackend.delete_procedure`) are whoosh
commits in the live generation; the repository commit they reflect is a stored "meta" document
written in the same whoosh commit, so index content and recorded commit cannot disagree.

Whoosh stores and finds pre-analysed terms (:mod:`doccontrol.search.vietnamese`; no whoosh
analyzer is involved).  Fields, per document:

- ``body_f`` / ``body_x`` / ``body_bi``: folded syllables, exact syllables, folded bigrams of
  title + code + text (term weight = count, no positions);
- ``title_f`` / ``title_x`` / ``title_bi``: the same views of the title alone;
- ``code_key``, ``tthc`` (full and short TTHC keys), ``office_key``, ``status``, ``slug``,
  ``doc_id``: keys;
- stored: code, title, office, revision, issued, TTHC codes, fingerprint, text.

Full rebuilds are written by :mod:`doccontrol.search.whoosh_bulk` (several processes) and
queries ranked by :mod:`doccontrol.search.whoosh_read`.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index as whoosh_index
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, STORED, FieldType, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Existence

from doccontrol.search import vietnamese
from doccontrol.search.index_files import (
    CHECKSUMS,
    GENERATION_META,
    INDEX_FORMAT as FORMAT,
    POINTER,
    record_reflected,
    sha256_of,
    write_json,
)
from doccontrol.search.backend import (
    CURRENT,
    Hit,
    IndexDoc,
    IndexUnavailable,
    SearchRequest,
    fingerprint,
)
from doccontrol.search.query import ParsedQuery, Syllable, office_key, tthc_index_keys
from doccontrol.search.snippets import make_snippet, phrase_check
from doccontrol.core.labels import natural_key
from doccontrol.core.text import code_key
from doccontrol.search import generations, plan
from doccontrol.search.plan import FIELD_B, Part
from doccontrol.search.whoosh_read import Lists, top_k

if TYPE_CHECKING:  # whoosh's queries (and its searcher) are imported by the searches that use them
    from whoosh import query as wq

META_DOC_ID = "__doccontrol_meta__"
META_STATUS = "meta"
INDEX_NAME = whoosh_index._DEF_INDEX_NAME

# Rebuilds of at least this many documents use several writer processes.
PARALLEL_THRESHOLD = 1000
MAX_PROCS = 4


# --- schema ---------------------------------------------------------------------------------


class TermsField(FieldType):
    """A field indexed from doccontrol's own analysis; whoosh sees finished terms.

    ``view`` names the :class:`~doccontrol.search.vietnamese.Analysis` attribute to index
    (``exact``, ``folded``, ``bigrams``); with ``view=None`` the value is a sequence of terms.
    The weight of a term is its count; no positions are stored.
    """

    def __init__(self, view: str | None = None, scorable: bool = True) -> None:
        super().__init__(format=Existence(), analyzer=None, scorable=scorable)
        self.view = view

    def term_counts(self, value: Any) -> Counter[str]:
        """How often each term occurs in ``value`` (the term's weight)."""
        if self.view is None:
            return Counter(value)
        return Counter(getattr(vietnamese.analyze(value), self.view))

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        for term, count in self.term_counts(value).items():
            yield term.encode("utf-8"), count, float(count), b""

    def process_text(self, qstring: str, mode: str = "", **kwargs: Any) -> Iterator[str]:
        return iter(qstring.split())

    def spellable_words(self, value: Any) -> Iterator[str]:
        return iter(())


def make_schema() -> Schema:
    return Schema(
        doc_id=ID(stored=True, unique=True, sortable=True),  # and columns: a verifier reads
        fingerprint=COLUMN(VarBytesColumn()),  # all fingerprints without the stored texts
        slug=ID(stored=True),
        status=ID(stored=True),
        office_key=ID(),
        department=ID(stored=True),  # the department's code, in the province's index only
        code_key=ID(sortable=True),  # a column too: browsing lists documents in code order
        tthc=TermsField(scorable=False),
        title_x=TermsField("exact"),
        title_f=TermsField("folded"),
        title_bi=TermsField("bigrams"),
        body_x=TermsField("exact"),
        body_f=TermsField("folded"),
        body_bi=TermsField("bigrams"),
        code=STORED(),
        title=STORED(),
        office=STORED(),
        revision=STORED(),
        issued=STORED(),
        tthc_codes=STORED(),
        text=STORED(),
        commit=STORED(),
    )


def doc_fields(doc: IndexDoc) -> dict[str, Any]:
    """What the index stores for one document (also used by the writer processes)."""
    body = f"{doc.title}\n{doc.code}\n{doc.text}"
    return {
        "doc_id": doc.doc_id,
        "slug": doc.slug,
        "status": doc.status,
        "office_key": office_key(doc.office) or "-",
        "code_key": doc.code_key or "-",
        "tthc": tthc_index_keys(doc.tthc),
        "title_x": doc.title,
        "title_f": doc.title,
        "title_bi": doc.title,
        "body_x": body,
        "body_f": body,
        "body_bi": body,
        "code": doc.code,
        "title": doc.title,
        "office": doc.office,
        "revision": doc.revision,
        "issued": doc.issued,
        "tthc_codes": tuple(doc.tthc),
        "fingerprint": fingerprint(doc).encode("ascii"),
        "text": doc.text,  # whoosh compresses stored fields
        "department": doc.department or None,
    }


def _fields_from_stored(stored: dict[str, Any], code_key: str, print_: bytes) -> dict[str, Any]:
    """The fields of a document as :func:`doc_fields` made them, from what the index keeps of it
    (its stored fields and columns), for a merge that copies it; checked by its fingerprint."""
    doc = IndexDoc(
        doc_id=stored["doc_id"], slug=stored["slug"], code=stored.get("code", ""),
        code_key="" if code_key == "-" else code_key, office=stored.get("office", ""), title=stored.get("title", ""),
        revision=stored.get("revision", 0), status=stored["status"], text=stored.get("text", ""),
        tthc=tuple(stored.get("tthc_codes", ())), issued=stored.get("issued", ""),
        department=stored.get("department") or "",
    )
    fields = doc_fields(doc)
    if fields["fingerprint"] != bytes(print_):
        raise RuntimeError(f"index document {doc.doc_id} cannot be copied as it was written (fingerprint differs)")
    return fields


def _meta_fields(commit: str) -> dict[str, Any]:
    return {"doc_id": META_DOC_ID, "slug": META_DOC_ID, "status": META_STATUS, "commit": commit}


# --- scoring --------------------------------------------------------------------------------

# --- files ----------------------------------------------------------------------------------

_TOC_FILE = whoosh_index.TOC._pattern(INDEX_NAME)
_SEGMENT_FILE = whoosh_index.TOC._segment_pattern(INDEX_NAME)


def _whoosh_files(gdir: Path) -> list[str]:
    """The index files whoosh wrote in a generation (tables of contents and segments)."""
    names = []
    for entry in os.scandir(gdir):
        if entry.is_file() and (_TOC_FILE.match(entry.name) or _SEGMENT_FILE.fullmatch(entry.name)):
            names.append(entry.name)
    return sorted(names)


def _refresh_checksums(gdir: Path) -> None:
    """Record size and sha256 of every whoosh file (hashing only new or changed files)."""
    path = gdir / CHECKSUMS
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    new = {}
    for name in _whoosh_files(gdir):
        size = (gdir / name).stat().st_size
        known = old.get(name)
        if known and known.get("size") == size:
            new[name] = known
        else:
            new[name] = {"size": size, "sha256": sha256_of(gdir / name)}
    write_json(path, new)


_unavailable = generations.unavailable


def _start_method() -> str:
    # fork is fast, but forking a process that runs other threads (a watcher) can deadlock.
    return "fork" if threading.active_count() == 1 else "spawn"


# --- the backend ----------------------------------------------------------------------------


@dataclass
class _Snapshot:
    """An open reader on one generation, with what searches reuse.

    Document sets are sets of the reader's document numbers; the cached ones are shared:
    never modify them in place. Whoosh's searcher (and its query modules) is opened only for
    what needs it: code and TTHC filters, the recorded commit.
    """

    generation: str
    ix: Any
    reader: Any
    lists: Lists
    _searcher: Any = None
    _masks: dict[tuple[str, ...], Any] = field(default_factory=dict)

    @property
    def searcher(self) -> Any:
        """Whoosh's searcher over the same reader (opened when first asked for)."""
        if self._searcher is None:
            from whoosh.searching import Searcher

            self._searcher = Searcher(self.reader, fromindex=self.ix)
        return self._searcher

    def up_to_date(self) -> bool:
        """Whether the reader still shows the index's newest commit (as ``Searcher.up_to_date``)."""
        return bool(self.ix.latest_generation() == self.reader.generation())

    def term_mask(self, fieldname: str, text: str) -> set[int]:
        """The live (not deleted) documents that have ``text`` in ``fieldname``."""
        key = (fieldname, text)
        found = self._masks.get(key)
        if found is None:
            found = self._masks[key] = self.live().intersection(self.lists.postings(fieldname, text).ids)
        return found  # type: ignore[no-any-return]

    def code_rank(self) -> list[int]:
        """Each document's place in code order (from the code_key column)."""
        found = self._masks.get(("code_rank",))
        if found is None:
            keys: list[bytes] = []
            for reader, _ in self.lists.leaves:
                column = reader.column_reader("code_key", translate=False)
                keys.extend(column[i] for i in range(reader.doc_count_all()))
            natural = [natural_key(k.decode("utf-8", "replace")) for k in keys]
            order = sorted(range(len(keys)), key=natural.__getitem__)
            found = [0] * len(keys)
            for place, docnum in enumerate(order):
                found[docnum] = place
            self._masks[("code_rank",)] = found
        return found  # type: ignore[no-any-return]

    def live(self) -> set[int]:
        """Documents not deleted (postings still list deleted documents)."""
        found = self._masks.get(("live",))
        if found is None:
            found = set(range(self.lists.doc_count))
            for reader, offset in self.lists.leaves:
                if reader.has_deletions():
                    found.difference_update(d + offset for d in reader.deleted_docs_set)
            self._masks[("live",)] = found
        return found  # type: ignore[no-any-return]

    def status_mask(self, statuses: Sequence[str]) -> set[int]:
        key = ("status", *statuses)
        found = self._masks.get(key)
        if found is None:
            found = set().union(*(self.term_mask("status", status) for status in statuses))
            self._masks[key] = found
        return found  # type: ignore[no-any-return]

    def close(self) -> None:
        try:
            self.lists.close()
            (self._searcher or self.reader).close()
        except Exception:  # noqa: BLE001 - closing a damaged reader must not hide the cause
            pass


_OPEN_ATTEMPTS = 3  # a reader that loses the race with a rebuild's clean-up reads the pointer again


class WhooshBackend:
    """The whoosh search backend for one workspace index directory.

    One object may serve many searches (a long-lived view reuses the open searcher and its
    caches; it notices new commits and rebuilds by itself).  Threads may share it: its reads
    take turns (each is milliseconds); other processes read in parallel.  Writes are
    serialised by the caller (the workspace lock).
    """

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._snapshot: _Snapshot | None = None
        self._lock = threading.RLock()

    # -- generations ---------------------------------------------------------------------

    def _live_generation(self) -> str:
        return generations.live(self.index_dir)

    def _open_generation(self, name: str) -> Any:
        gdir = self.index_dir / name
        if not gdir.is_dir():
            raise _unavailable(self.index_dir, f"thiếu thư mục {name}", f"lacks directory {name}")
        try:
            meta = json.loads((gdir / GENERATION_META).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise _unavailable(self.index_dir, "thiếu thông tin định dạng",
                               f"lacks its format file ({e})") from e
        if meta.get("format") != FORMAT:
            raise _unavailable(self.index_dir, f"có định dạng cũ {meta.get('format')}",
                               f"has format {meta.get('format')}, this version needs {FORMAT}")
        try:
            # Without mmap: whoosh would copy each whole file of a compound segment into
            # memory when it opens it (BytesIO of the mapped range).
            storage = FileStorage(str(gdir), supports_mmap=False)
            return whoosh_index.FileIndex(storage, schema=make_schema(), indexname=INDEX_NAME)
        except Exception as e:  # noqa: BLE001 - any failure to open means: rebuild
            raise _unavailable(self.index_dir, f"bị hỏng ({e!r})", f"is damaged ({e!r})") from e

    def _current_snapshot(self) -> _Snapshot:
        """The open reader on the live generation, reopened if the index changed.

        A rebuild keeps only the generation it publishes and the one it replaces, so a reader
        that read the pointer and is slow to open that generation (a busy machine) can find it
        already removed by the rebuild after next: it then reads the pointer again and opens the
        generation live now. Only a generation that is still the live one and cannot be opened
        makes the index unavailable."""
        with self._lock:
            for _ in range(_OPEN_ATTEMPTS - 1):
                name = self._live_generation()
                try:
                    return self._snapshot_of(name)
                except IndexUnavailable:
                    if self._live_generation() == name:
                        raise
            return self._snapshot_of(self._live_generation())

    def _snapshot_of(self, name: str) -> _Snapshot:
        snap = self._snapshot
        if snap is not None and snap.generation == name:
            try:
                if snap.up_to_date():
                    return snap
            except Exception:  # noqa: BLE001 - reopen below
                pass
        ix = self._open_generation(name)
        try:
            reader = ix.reader()
            lists = Lists(reader, self.index_dir / name)
        except Exception as e:  # noqa: BLE001
            raise _unavailable(self.index_dir, f"bị hỏng ({e!r})", f"is damaged ({e!r})") from e
        if snap is not None:
            snap.close()
        self._snapshot = _Snapshot(name, ix, reader, lists)
        return self._snapshot

    def _drop_snapshot(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None

    def close(self) -> None:
        self._drop_snapshot()

    # -- writing -------------------------------------------------------------------------

    def replace_procedure(self, slug: str, docs: Sequence[IndexDoc], commit: str) -> None:
        self.replace_procedures({slug: docs}, commit)

    def replace_procedures(self, updates: Mapping[str, Sequence[IndexDoc]], commit: str) -> None:
        """Replace several procedures in one index commit (whoosh commits are the costly part)."""
        checked: dict[str, list[IndexDoc]] = {}
        for slug, docs in updates.items():
            docs = list(docs)
            for doc in docs:
                if doc.slug != slug:
                    raise ValueError(f"document {doc.doc_id} does not belong to {slug}")
            if len({d.doc_id for d in docs}) != len(docs):
                raise ValueError(f"duplicate doc_id among the revisions of {slug}")
            checked[slug] = docs

        name = self._live_generation()
        self._open_generation(name)  # checks the generation (format, damage) first
        new = [doc_fields(doc) for docs in checked.values() for doc in docs] + [_meta_fields(commit)]
        from doccontrol.search import whoosh_update  # the index's writer: not for a search

        whoosh_update.update(FileStorage(str(self.index_dir / name), supports_mmap=False), make_schema(), INDEX_NAME,
                             "slug", set(checked) | {META_DOC_ID}, new, _fields_from_stored)
        _refresh_checksums(self.index_dir / name)
        record_reflected(self.index_dir / name, commit)

    def delete_procedure(self, slug: str, commit: str) -> None:
        self.replace_procedures({slug: []}, commit)

    def rebuild(self, docs: Iterable[IndexDoc], commit: str, procs: int | None = None) -> None:
        """Build a new generation from ``docs`` and switch to it.

        ``procs``: writer processes (default: the usable CPUs, at most :data:`MAX_PROCS`, once
        there are :data:`PARALLEL_THRESHOLD` documents).
        """
        import shutil

        from doccontrol.search import whoosh_bulk  # the writer processes: not for a search

        previous, name, gdir = generations.start(self.index_dir)
        try:
            write_json(gdir / GENERATION_META, {"format": FORMAT})
            schema = make_schema()
            storage = FileStorage(str(gdir))
            whoosh_index.TOC.create(storage, schema, INDEX_NAME)
            docs_iter = iter(docs)
            head = []
            for doc in docs_iter:
                head.append(doc)
                if len(head) >= PARALLEL_THRESHOLD:
                    break
            if procs is None:
                procs = 1
                if len(head) >= PARALLEL_THRESHOLD:
                    procs = min(whoosh_bulk.cpu_count(), MAX_PROCS)
            seen: set[str] = set()

            def checked() -> Iterator[IndexDoc]:
                for doc in _chain(head, docs_iter):
                    if doc.doc_id in seen:
                        raise ValueError(f"duplicate doc_id {doc.doc_id}")
                    seen.add(doc.doc_id)
                    yield doc

            segments = whoosh_bulk.build_segments(str(gdir), schema, checked(), doc_fields,
                                                  procs, _start_method())
            meta = whoosh_bulk.SegmentBuilder(storage, schema)
            meta.add(_meta_fields(commit))
            segments.append(meta.finish())
            whoosh_bulk.write_toc(storage, schema, segments, generation=1)
            whoosh_index.clean_files(storage, INDEX_NAME, 1, segments)
            shutil.rmtree(gdir / f"{INDEX_NAME}.tmp", ignore_errors=True)
            _refresh_checksums(gdir)
            record_reflected(gdir, commit)
            generations.publish(self.index_dir, name)
        except BaseException:
            shutil.rmtree(gdir, ignore_errors=True)
            raise
        self._drop_snapshot()
        # Keep the generation just replaced (readers may have it open); drop older ones.
        generations.drop_older(self.index_dir, (name, previous))

    # -- reading -------------------------------------------------------------------------

    def reflected_commit(self) -> str | None:
        with self._lock:
            snap = self._current_snapshot()
            try:
                stored = snap.searcher.document(doc_id=META_DOC_ID)
            except Exception as e:  # noqa: BLE001
                self._reraise(e)
                raise
            return stored.get("commit") if stored else None

    def doc_fingerprints(self) -> dict[str, str]:
        with self._lock:
            snap = self._current_snapshot()
            try:
                result = {}
                live = snap.live()
                for reader, offset in snap.lists.leaves:
                    ids = reader.column_reader("doc_id", translate=False)
                    prints = reader.column_reader("fingerprint", translate=False)
                    for d in range(reader.doc_count_all()):
                        if offset + d in live:
                            doc_id = ids[d].decode("utf-8")
                            if doc_id != META_DOC_ID:
                                result[doc_id] = prints[d].decode("ascii")
                return result
            except Exception as e:  # noqa: BLE001
                self._reraise(e)
                raise

    def search(self, request: SearchRequest) -> list[Hit]:
        parsed = request.parsed()
        if parsed is None:
            return []
        with self._lock:  # a whoosh searcher is not for two threads at once
            for attempt in range(_OPEN_ATTEMPTS):
                snap = self._current_snapshot()
                try:
                    return _Search(snap, request, parsed).run()
                except IndexUnavailable:
                    raise
                except Exception as e:  # noqa: BLE001 - never answer from a damaged index
                    if attempt + 1 < _OPEN_ATTEMPTS and self._live_generation() != snap.generation:
                        self._drop_snapshot()
                        continue  # its generation was replaced and removed while it was read: read the live one
                    self._reraise(e)
                    raise
        raise AssertionError("unreachable")

    def _reraise(self, e: Exception) -> None:
        """Raise for an error while reading: IndexUnavailable if the index is damaged.

        Whoosh reports damaged files with all sorts of exceptions; the checksums tell a damaged
        index from a bug, which is re-raised as it is.
        """
        self._drop_snapshot()
        problems = self.check()
        if problems:
            raise IndexUnavailable("; ".join(problems)) from e
        raise e

    def check(self) -> list[str]:
        try:
            name = self._live_generation()
            ix = self._open_generation(name)
        except IndexUnavailable as e:
            return [str(e)]
        problems: list[str] = []
        gdir = self.index_dir / name
        try:
            recorded = json.loads((gdir / CHECKSUMS).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            recorded = {}
            problems.append(f"Thiếu tổng kiểm tra / checksum file missing or unreadable: {e}")
        try:
            toc = whoosh_index.TOC.read(ix.storage, INDEX_NAME, schema=make_schema())
            live = {whoosh_index.TOC._filename(INDEX_NAME, toc.generation)}
            files = _whoosh_files(gdir)
            for segment in toc.segments:
                prefix = segment.segment_id() + "."
                seg_files = [f for f in files if f.startswith(prefix)]
                if not seg_files:
                    problems.append(f"Thiếu tệp đoạn / segment files missing: {segment.segment_id()}")
                live.update(seg_files)
        except Exception as e:  # noqa: BLE001
            return problems + [f"Không đọc được mục lục / table of contents unreadable: {e!r}"]
        for fname in sorted(live):
            path = gdir / fname
            known = recorded.get(fname)
            if not path.exists():
                problems.append(f"Thiếu tệp / file missing: {fname}")
            elif known is None:
                problems.append(f"Tệp chưa có tổng kiểm tra / file without checksum: {fname}")
            elif path.stat().st_size != known.get("size") or sha256_of(path) != known.get("sha256"):
                problems.append(f"Tệp bị thay đổi hoặc hỏng / file changed or corrupt: {fname}")
        if problems:
            return problems
        try:
            with ix.searcher() as searcher:
                if searcher.document(doc_id=META_DOC_ID) is None:
                    problems.append("Thiếu bản ghi commit / no recorded commit")
                for leaf, _ in searcher.leaf_searchers():  # each segment's first and last doc
                    n = leaf.doc_count_all()
                    for docnum in {0, n - 1} if n else ():
                        leaf.stored_fields(docnum)
        except Exception as e:  # noqa: BLE001
            problems.append(f"Không đọc được chỉ mục / index unreadable: {e!r}")
        return problems


def _chain(head: list[IndexDoc], rest: Iterator[IndexDoc]) -> Iterator[IndexDoc]:
    yield from head
    yield from rest


# --- one search -----------------------------------------------------------------------------


class _Search:
    def __init__(self, snap: _Snapshot, request: SearchRequest, parsed: ParsedQuery) -> None:
        self.snap = snap
        self.reader = snap.reader
        self.request = request
        self.q = parsed

    # -- filters

    def allowed(self) -> set[int]:
        """The documents this request may return (possibly a cached set: read only)."""
        snap = self.snap
        allowed = snap.status_mask(self.request.statuses())
        offices = list(self.q.office_filters)
        if self.request.office:
            offices.append(office_key(self.request.office))
        for key in dict.fromkeys(offices):
            allowed = allowed & snap.term_mask("office_key", key)
        if self.request.department:
            allowed = allowed & snap.term_mask("department", self.request.department)
        if self.q.code_filters:
            allowed = allowed & self.docs(self.code_query(self.q.code_filters))
        if self.q.tthc_filters:
            from whoosh import query as wq

            tthc = wq.Or([wq.Term("tthc", k) for k in self.q.tthc_filters])
            allowed = allowed & self.docs(tthc)
        return allowed

    def docs(self, query: wq.Query) -> set[int]:
        return set(self.snap.searcher.docs_for_query(query))

    @staticmethod
    def code_query(keys: Sequence[str]) -> wq.Query:
        from whoosh import query as wq

        parts: list[wq.Query] = []
        for key in keys:
            parts.append(wq.Term("code_key", key))
            parts.append(wq.Prefix("code_key", key))
        return wq.Or(parts)

    # -- the whole search

    def run(self) -> list[Hit]:
        allowed = self.allowed()
        if not allowed:
            return []
        limit = self.request.limit
        ranked: list[tuple[int, float]] = []
        seen: set[int] = set()
        for docnum in self.code_hits(allowed):
            if docnum not in seen:
                seen.add(docnum)
                ranked.append((docnum, 0.0))
        n_code = len(ranked)
        if len(ranked) < limit:
            ranked.extend(self.text_hits(allowed, seen, limit - len(ranked)))
        ranked = ranked[:limit]
        # Code hits rank above every text hit.
        top_text = max((s for _, s in ranked[n_code:]), default=0.0)
        hits = []
        for i, (docnum, score) in enumerate(ranked):
            if i < n_code:
                score = top_text + 1.0 + (n_code - i)
            hits.append(self.hit(docnum, score))
        return hits

    def code_hits(self, allowed: set[int]) -> list[int]:
        """Documents whose code is a code of the query, then those linked to its TTHC codes."""
        if not (self.q.codes or self.q.tthc):
            return []
        from whoosh import query as wq

        out: list[int] = []
        for key in self.q.codes:
            exact = [d for d in self.docs(wq.Term("code_key", key)) if d in allowed]
            if not exact:
                exact = [d for d in self.docs(wq.Prefix("code_key", key)) if d in allowed]
            out.extend(self.by_code(exact))
        for key in self.q.tthc:
            linked = [d for d in self.docs(wq.Term("tthc", key)) if d in allowed]
            out.extend(self.by_code(linked))
        return out

    def by_code(self, docnums: Iterable[int]) -> list[int]:
        """Current revisions first, then by code, newest revision first."""
        stored = self.snap.lists.stored

        def key(d: int) -> tuple[int, tuple[Any, ...], int]:
            f = stored(d)
            return (0 if f.get("status") == CURRENT else 1, natural_key(code_key(f.get("code", ""))),
                    -f.get("revision", 0))

        return sorted(docnums, key=key)

    def browse(self, allowed: set[int], exclude: set[int], want: int) -> list[int]:
        """Filters only: the allowed documents in code order."""
        rank = self.snap.code_rank()
        docs = sorted(allowed.difference(exclude), key=lambda d: (rank[d], d))
        if len(docs) > want:  # keep every revision of the last code taken
            last = rank[docs[want - 1]]
            docs = [d for d in docs if rank[d] <= last]
        return self.by_code(docs)[:want]

    def text_parts(self) -> list[list[Part]]:
        """The weighted terms of the query; several lists are alternatives (code phrases)."""
        return plan.text_parts(self.q)

    def text_hits(self, allowed: set[int], exclude: set[int],
                  want: int) -> list[tuple[int, float]]:
        alternatives = self.text_parts()
        if not alternatives:
            if self.q.has_text or self.q.codes or self.q.tthc:
                return []
            return [(d, 0.0) for d in self.browse(allowed, exclude, want)]
        phrases = [(p, self.q.accented) for p in self.q.phrases]
        if not self.q.has_text:
            phrases = [(p, False) for p in self.q.code_phrases]
        fetch = want + (want if phrases else 0)
        lists = self.snap.lists
        verified: dict[int, bool] = {}  # phrase checks read the text: once per document
        while True:
            best: dict[int, float] = {}
            exhausted = True
            for parts in alternatives:
                found = top_k(lists, parts, allowed, fetch, FIELD_B, exclude)
                exhausted = exhausted and len(found) < fetch
                for d, s in found:
                    best[d] = max(s, best.get(d, 0.0))
            ranked = sorted(best.items(), key=lambda ds: (-ds[1], ds[0]))
            out: list[tuple[int, float]] = []
            for docnum, score in ranked:
                if phrases:
                    ok = verified.get(docnum)
                    if ok is None:
                        ok = verified[docnum] = self.phrases_match(docnum, phrases)
                    if not ok:
                        continue
                out.append((docnum, score))
                if len(out) == want:
                    return out
            if exhausted or not phrases:
                return out
            fetch *= 4

    def phrases_match(self, docnum: int, phrases: list[tuple[tuple[Syllable, ...], bool]]) -> bool:
        stored = self.snap.lists.stored(docnum)
        text = f"{stored.get('title', '')}\n{stored.get('code', '')}\n{_text(stored)}"
        if self.q.has_text:
            return all(phrase_check(text, p, exact) for p, exact in phrases)
        return any(phrase_check(text, p, exact) for p, exact in phrases)

    def hit(self, docnum: int, score: float) -> Hit:
        stored = self.snap.lists.stored(docnum)
        return Hit(
            doc_id=stored["doc_id"],
            slug=stored["slug"],
            code=stored.get("code", ""),
            title=stored.get("title", ""),
            office=stored.get("office", ""),
            revision=stored.get("revision", 0),
            status=stored.get("status", ""),
            score=float(score),
            snippet=make_snippet(_text(stored), self.q),
            department=stored.get("department") or "",
        )


def _text(stored: dict[str, Any]) -> str:
    return stored.get("text") or ""
