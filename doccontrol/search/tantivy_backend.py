"""The tantivy implementation of :class:`doccontrol.search.backend.SearchBackend`.

tantivy (the Rust engine paperless-ngx moved to from whoosh, through its official Python binding,
PyPI ``tantivy``) is the second engine, chosen in configuration (``[search] engine = "tantivy"``
in ``province.toml``): it loads in milliseconds and needs neither numpy nor whoosh, which is what a
search answered by a whole process (``doccontrol province search``) pays for first.

The index holds doccontrol's own analysis, as the whoosh one does: every text field is the
space-joined pre-analysed terms (``vietnamese.analyze``: exact syllables, folded syllables, folded
bigrams; a term repeated as often as it occurs) split again by tantivy's whitespace tokenizer; a
query is the same weighted parts with required groups (``search.plan``) as boolean queries: a
group is a *must* of its alternatives, a part that only admits is scored zero, a field weight is
a boost. tantivy scores BM25 with one length normalisation for every field (whoosh's backend
weakens it for titles); the relevance tests pass on both.

Layout of ``index_dir`` as for whoosh: ``CURRENT`` names the live generation ``g<time>-<random>/``
(a rebuild writes a new one and swaps the pointer; readers of the old one keep it until the next
rebuild), ``doccontrol-index.json`` says the engine and format. The commit the index reflects is a
stored "meta" document written in the same tantivy commit as the documents, and, after that commit,
``reflects.json`` (the commit and tantivy's opstamp of it): a search reads that file, not the engine,
to know the index is current (``search.index_files.read_state``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import tantivy

from doccontrol.core.labels import natural_key
from doccontrol.core.text import code_key
from doccontrol.search import generations, plan, vietnamese
from doccontrol.search.backend import CURRENT, Hit, IndexDoc, IndexUnavailable, SearchRequest, fingerprint
from doccontrol.search.index_files import TANTIVY_FORMAT, record_reflected_tantivy
from doccontrol.search.query import ParsedQuery, office_key, tthc_index_keys
from doccontrol.search.snippets import make_snippet, phrase_check

FORMAT = TANTIVY_FORMAT
POINTER = generations.POINTER
GENERATION_META = "doccontrol-index.json"
META_DOC_ID = "__doccontrol_meta__"
META_STATUS = "meta"
TOKENIZER = "doccontrol_terms"
KEYS = ("doc_id", "slug", "status", "office_key", "code_key", "department")
TEXT_FIELDS = {"title_x": "exact", "title_f": "folded", "title_bi": "bigrams",
               "body_x": "exact", "body_f": "folded", "body_bi": "bigrams"}
WRITER_HEAP = 64 * 2**20


def make_schema() -> Any:
    builder = tantivy.SchemaBuilder()
    for key in KEYS:
        builder.add_text_field(key, stored=False, tokenizer_name="raw", index_option="basic",
                               fast=key == "code_key")
    builder.add_text_field("tthc", tokenizer_name=TOKENIZER, index_option="basic")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name=TOKENIZER, index_option="freq")
    builder.add_bytes_field("payload", stored=True, indexed=False)
    return builder.build()


def _terms(view: Sequence[str]) -> str:
    return " ".join(term for term in view if term and not term.isspace())


def _document(doc: IndexDoc) -> Any:
    body = vietnamese.analyze(f"{doc.title}\n{doc.code}\n{doc.text}")
    title = vietnamese.analyze(doc.title)
    out = tantivy.Document()
    for key, value in (("doc_id", doc.doc_id), ("slug", doc.slug), ("status", doc.status),
                       ("office_key", office_key(doc.office) or "-"), ("code_key", doc.code_key or "-"),
                       ("department", doc.department or "-")):
        out.add_text(key, value)
    out.add_text("tthc", " ".join(tthc_index_keys(doc.tthc)))
    for name, view in TEXT_FIELDS.items():
        source = title if name.startswith("title") else body
        out.add_text(name, _terms(getattr(source, view)))
    payload = {"doc_id": doc.doc_id, "slug": doc.slug, "status": doc.status, "code": doc.code, "title": doc.title,
               "office": doc.office, "revision": doc.revision, "issued": doc.issued, "tthc": list(doc.tthc),
               "department": doc.department, "fingerprint": fingerprint(doc), "text": doc.text}
    out.add_bytes("payload", json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    return out


def _meta_document(commit: str) -> Any:
    out = tantivy.Document()
    out.add_text("doc_id", META_DOC_ID)
    out.add_text("slug", META_DOC_ID)
    out.add_text("status", META_STATUS)
    out.add_bytes("payload", json.dumps({"doc_id": META_DOC_ID, "commit": commit}).encode("utf-8"))
    return out


_unavailable = generations.unavailable


class TantivyBackend:
    """The tantivy search backend for one index directory. Threads may share it (reads take
    turns); writes are serialised by the caller (the lock of the workspace or province)."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._open: tuple[str, Any] | None = None
        self._lock = threading.RLock()

    # -- generations ---------------------------------------------------------------------

    def _live_generation(self) -> str:
        return generations.live(self.index_dir)

    def _index(self) -> Any:
        """The open index of the live generation (reopened after a rebuild)."""
        with self._lock:
            name = self._live_generation()
            if self._open is not None and self._open[0] == name:
                return self._open[1]
            gdir = self.index_dir / name
            try:
                meta = json.loads((gdir / GENERATION_META).read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                raise _unavailable(self.index_dir, "thiếu thông tin định dạng", f"lacks its format file ({e})") from e
            if meta.get("format") != FORMAT:
                raise _unavailable(self.index_dir, f"có định dạng khác {meta.get('format')}",
                                   f"has format {meta.get('format')}, this engine needs {FORMAT}")
            try:
                index = tantivy.Index(make_schema(), path=str(gdir), reuse=True)
                index.register_tokenizer(TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
            except Exception as e:  # noqa: BLE001 - any failure to open means: rebuild
                raise _unavailable(self.index_dir, f"bị hỏng ({e!r})", f"is damaged ({e!r})") from e
            self._open = (name, index)
            return index

    def _searcher(self) -> Any:
        index = self._index()
        try:
            index.reload()
            return index.searcher()
        except Exception as e:  # noqa: BLE001
            raise _unavailable(self.index_dir, f"bị hỏng ({e!r})", f"is damaged ({e!r})") from e

    def close(self) -> None:
        with self._lock:
            self._open = None

    # -- writing -------------------------------------------------------------------------

    def _write(self, index: Any, deletions: Iterable[str], docs: Iterable[IndexDoc], commit: str) -> None:
        name = self._open[0] if self._open is not None else self._live_generation()  # the one ``index`` is
        writer = index.writer(WRITER_HEAP, 1)
        try:
            for slug in deletions:
                writer.delete_documents_by_term("slug", slug)
            writer.delete_documents_by_term("doc_id", META_DOC_ID)
            for doc in docs:
                writer.add_document(_document(doc))
            writer.add_document(_meta_document(commit))
            opstamp = writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            try:
                writer.rollback()
            except Exception:  # noqa: BLE001 - the original error is the one to tell
                pass
            raise
        record_reflected_tantivy(self.index_dir / name, commit, opstamp)

    def replace_procedure(self, slug: str, docs: Sequence[IndexDoc], commit: str) -> None:
        self.replace_procedures({slug: docs}, commit)

    def replace_procedures(self, updates: Mapping[str, Sequence[IndexDoc]], commit: str) -> None:
        checked: list[IndexDoc] = []
        for slug, docs in updates.items():
            docs = list(docs)
            if any(doc.slug != slug for doc in docs):
                raise ValueError(f"a document does not belong to {slug}")
            if len({d.doc_id for d in docs}) != len(docs):
                raise ValueError(f"duplicate doc_id among the revisions of {slug}")
            checked.extend(docs)
        with self._lock:
            self._write(self._index(), list(updates), checked, commit)

    def delete_procedure(self, slug: str, commit: str) -> None:
        with self._lock:
            self._write(self._index(), [slug], [], commit)

    def rebuild(self, docs: Iterable[IndexDoc], commit: str) -> None:
        """Build a new generation from ``docs`` and switch to it."""
        previous, name, gdir = generations.start(self.index_dir)
        try:
            (gdir / GENERATION_META).write_text(json.dumps({"format": FORMAT, "engine": "tantivy"}), encoding="utf-8")
            index = tantivy.Index(make_schema(), path=str(gdir), reuse=False)
            index.register_tokenizer(TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
            seen: set[str] = set()

            def checked() -> Iterable[IndexDoc]:
                for doc in docs:
                    if doc.doc_id in seen:
                        raise ValueError(f"duplicate doc_id {doc.doc_id}")
                    seen.add(doc.doc_id)
                    yield doc

            writer = index.writer(WRITER_HEAP * 2, 0)
            for doc in checked():
                writer.add_document(_document(doc))
            writer.add_document(_meta_document(commit))
            opstamp = writer.commit()
            writer.wait_merging_threads()
            record_reflected_tantivy(gdir, commit, opstamp)
            generations.publish(self.index_dir, name)
        except BaseException:
            import shutil

            shutil.rmtree(gdir, ignore_errors=True)
            raise
        with self._lock:
            self._open = None
        generations.drop_older(self.index_dir, (name, previous))

    # -- reading -------------------------------------------------------------------------

    @staticmethod
    def _payload(searcher: Any, address: Any) -> dict[str, Any]:
        raw = searcher.doc(address).get_first("payload")
        return json.loads(bytes(raw).decode("utf-8")) if raw is not None else {}

    def reflected_commit(self) -> str | None:
        with self._lock:
            searcher = self._searcher()
            found = searcher.search(tantivy.Query.term_query(self._index().schema, "doc_id", META_DOC_ID), 1).hits
            return self._payload(searcher, found[0][1]).get("commit") if found else None

    def doc_fingerprints(self) -> dict[str, str]:
        with self._lock:
            searcher = self._searcher()
            hits = searcher.search(tantivy.Query.all_query(), max(1, searcher.num_docs)).hits
            out = {}
            for _, address in hits:
                payload = self._payload(searcher, address)
                if payload.get("doc_id") != META_DOC_ID:
                    out[payload["doc_id"]] = payload["fingerprint"]
            return out

    def check(self) -> list[str]:
        try:
            with self._lock:
                searcher = self._searcher()
                found = searcher.search(tantivy.Query.term_query(self._index().schema, "doc_id", META_DOC_ID), 1).hits
        except IndexUnavailable as e:
            return [str(e)]
        except Exception as e:  # noqa: BLE001
            return [f"Không đọc được chỉ mục / index unreadable: {e!r}"]
        return [] if found else ["Thiếu bản ghi commit / no recorded commit"]

    def search(self, request: SearchRequest) -> list[Hit]:
        parsed = request.parsed()
        if parsed is None:
            return []
        with self._lock:
            searcher = self._searcher()
            try:
                return _Search(searcher, self._index().schema, request, parsed).run()
            except IndexUnavailable:
                raise
            except ValueError as e:
                raise _unavailable(self.index_dir, f"bị hỏng ({e!r})", f"is damaged ({e!r})") from e


class _Search:
    """One search: filters as zero-scored *must* clauses, code hits first, then ranked text."""

    def __init__(self, searcher: Any, schema: Any, request: SearchRequest, parsed: ParsedQuery) -> None:
        self.searcher = searcher
        self.schema = schema
        self.request = request
        self.q = parsed

    def term(self, field: str, value: str) -> Any:
        return tantivy.Query.term_query(self.schema, field, value)

    def any_of(self, queries: list[Any]) -> Any:
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])

    def filters(self) -> list[Any]:
        """What a document must be to be returned (none of it scored)."""
        q, request = self.q, self.request
        wanted = [self.any_of([self.term("status", s) for s in request.statuses()])]
        offices = list(q.office_filters) + ([office_key(request.office)] if request.office else [])
        wanted += [self.term("office_key", key) for key in dict.fromkeys(offices) if key]
        if request.department:
            wanted.append(self.term("department", request.department))
        if q.code_filters:
            wanted.append(self.code_query(q.code_filters))
        if q.tthc_filters:
            wanted.append(self.any_of([self.term("tthc", k) for k in q.tthc_filters]))
        return [tantivy.Query.const_score_query(w, 0.0) for w in wanted]

    def code_query(self, keys: Sequence[str], prefix: bool = True) -> Any:
        parts = []
        for key in keys:
            parts.append(self.term("code_key", key))
            if prefix:
                parts.append(tantivy.Query.regex_query(self.schema, "code_key", re.escape(key) + ".*"))
        return self.any_of(parts)

    def docs(self, query: Any, limit: int | None = None) -> list[tuple[float, Any]]:
        clauses = [(tantivy.Occur.Must, query)] + [(tantivy.Occur.Must, f) for f in self.filters()]
        found = self.searcher.search(tantivy.Query.boolean_query(clauses), limit or max(1, self.searcher.num_docs))
        return list(found.hits)

    def payload(self, address: Any) -> dict[str, Any]:
        return TantivyBackend._payload(self.searcher, address)

    # -- the whole search

    def run(self) -> list[Hit]:
        limit = self.request.limit
        ranked: list[tuple[Any, float, dict[str, Any]]] = []
        seen: set[str] = set()
        for address, payload in self.code_hits():
            if payload["doc_id"] not in seen:
                seen.add(payload["doc_id"])
                ranked.append((address, 0.0, payload))
        n_code = len(ranked)
        if len(ranked) < limit:
            ranked.extend(self.text_hits(seen, limit - len(ranked)))
        ranked = ranked[:limit]
        top_text = max((s for _, s, _ in ranked[n_code:]), default=0.0)
        return [self.hit(payload, top_text + 1.0 + (n_code - i) if i < n_code else score)
                for i, (_, score, payload) in enumerate(ranked)]

    def code_hits(self) -> list[tuple[Any, dict[str, Any]]]:
        out = []
        for key in self.q.codes:
            exact = self.docs(self.term("code_key", key))
            out += self.by_code(exact or self.docs(self.code_query([key])))
        for key in self.q.tthc:
            out += self.by_code(self.docs(self.term("tthc", key)))
        return out

    def by_code(self, hits: Iterable[tuple[float, Any]]) -> list[tuple[Any, dict[str, Any]]]:
        """Current revisions first, then by code, newest revision first."""
        loaded = [(address, self.payload(address)) for _, address in hits]
        return sorted(loaded, key=lambda ap: (0 if ap[1].get("status") == CURRENT else 1,
                                              natural_key(code_key(ap[1].get("code", ""))), -ap[1].get("revision", 0)))

    def browse(self, exclude: set[str], want: int) -> list[tuple[Any, float, dict[str, Any]]]:
        """Filters only: the allowed documents in code order (every revision of the last code taken)."""
        found = self.searcher.search(
            tantivy.Query.boolean_query([(tantivy.Occur.Must, f) for f in self.filters()]),
            max(1, self.searcher.num_docs), order_by_field="code_key", order=tantivy.Order.Asc).hits
        keyed = sorted(((natural_key(str(k)), a) for k, a in found), key=lambda ka: ka[0])
        chosen: list[tuple[Any, dict[str, Any]]] = []
        last = None
        for key, address in keyed:
            payload = self.payload(address)
            if payload["doc_id"] in exclude:
                continue
            if len(chosen) >= want and key != last:
                break
            chosen.append((address, payload))
            last = key
        ordered = sorted(chosen, key=lambda ap: (0 if ap[1].get("status") == CURRENT else 1,
                                                 natural_key(code_key(ap[1].get("code", ""))), -ap[1].get("revision", 0)))
        return [(a, 0.0, p) for a, p in ordered[:want]]

    def ranked_query(self, parts: Sequence[plan.Part]) -> Any:
        groups: dict[int, list[Any]] = {}
        optional: list[Any] = []
        for part in parts:
            query = self.term(part.field, part.term)
            query = tantivy.Query.boost_query(query, part.weight) if part.scored else tantivy.Query.const_score_query(query, 0.0)
            (groups.setdefault(part.group, []) if part.group is not None else optional).append(query)
        clauses = [(tantivy.Occur.Must, self.any_of(alternatives)) for alternatives in groups.values()]
        if not groups:
            clauses.append((tantivy.Occur.Must, self.any_of(optional)))
        else:
            clauses += [(tantivy.Occur.Should, q) for q in optional]
        return tantivy.Query.boolean_query(clauses)

    def text_hits(self, exclude: set[str], want: int) -> list[tuple[Any, float, dict[str, Any]]]:
        alternatives = plan.text_parts(self.q)
        if not alternatives:
            if self.q.has_text or self.q.codes or self.q.tthc:
                return []
            return self.browse(exclude, want)
        phrases = [(p, self.q.accented) for p in self.q.phrases]
        if not self.q.has_text:
            phrases = [(p, False) for p in self.q.code_phrases]
        fetch = want + len(exclude) + (want if phrases else 0)
        while True:
            best: dict[str, tuple[Any, float, dict[str, Any]]] = {}
            exhausted = True
            for parts in alternatives:
                found = self.docs(self.ranked_query(parts), fetch)
                exhausted = exhausted and len(found) < fetch
                for score, address in found:
                    payload = self.payload(address)
                    doc_id = payload["doc_id"]
                    if doc_id not in exclude and (doc_id not in best or score > best[doc_id][1]):
                        best[doc_id] = (address, float(score), payload)
            ranked = sorted(best.values(), key=lambda h: (-h[1], h[2]["doc_id"]))
            out = [h for h in ranked if not phrases or self.phrases_match(h[2], phrases)][:want]
            if len(out) == want or exhausted:
                return out
            fetch *= 4

    def phrases_match(self, payload: dict[str, Any], phrases: list[tuple[Any, bool]]) -> bool:
        text = f"{payload.get('title', '')}\n{payload.get('code', '')}\n{payload.get('text', '')}"
        if self.q.has_text:
            return all(phrase_check(text, p, exact) for p, exact in phrases)
        return any(phrase_check(text, p, exact) for p, exact in phrases)

    def hit(self, payload: dict[str, Any], score: float) -> Hit:
        return Hit(doc_id=payload["doc_id"], slug=payload["slug"], code=payload.get("code", ""),
                   title=payload.get("title", ""), office=payload.get("office", ""),
                   revision=payload.get("revision", 0), status=payload.get("status", ""), score=float(score),
                   snippet=make_snippet(payload.get("text") or "", self.q), department=payload.get("department") or "")
