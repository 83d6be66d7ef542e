"""One search index over every department (``index/`` of the province folder), derived from the
mirrors and rebuilt from them at any time.

The documents are the departments' revisions, their ids and slugs prefixed by the department
(``repo.index_sync.qualified``); the commit the index reflects is, for the province, one commit
per department, recorded as a JSON object in the backend's one "reflected commit" string. An
update is incremental per department by commit: only the procedure folders that changed between
the commit the index reflects for a department and the mirror's tip are re-read (one index commit
for all the departments that changed). The index is never trusted for a department whose tip it does not reflect: a
search brings it up to the tips first (``update``) and says so.

Cheap to import (the CLI's ``province search`` is timed as a whole process): git and the
repository modules are imported only when the index has to be updated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from doccontrol.province.home import Province, read_state
from doccontrol.search import Hit, IndexDoc, IndexUnavailable, SearchRequest, open_backend

REFLECTED_FORMAT = "doccontrol.province-index"


def reflected(backend: object) -> dict[str, str] | None:
    """Department → commit the index reflects (None: unreadable, never written, or not a province index)."""
    try:
        text = backend.reflected_commit()  # type: ignore[attr-defined]
    except IndexUnavailable:
        return None
    try:
        data = json.loads(text or "")
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("format") != REFLECTED_FORMAT:
        return None
    found = data.get("departments")
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else None


def _encode(commits: Mapping[str, str]) -> str:
    return json.dumps({"format": REFLECTED_FORMAT, "departments": dict(sorted(commits.items()))}, sort_keys=True)


def tips(province: Province) -> dict[str, str]:
    """Department → the tip its mirror shows, as the last sync recorded it (no git process)."""
    state = read_state(province)
    out = {}
    for code in province.config.departments:
        tip = state.get(code, {}).get("tip")
        if isinstance(tip, str) and tip:
            out[code] = tip
    return out


def behind(province: Province, backend: object | None = None) -> bool:
    """Whether the index does not reflect every department's tip."""
    backend = backend or open_backend(province.index_dir, province.config.engine)
    return reflected(backend) != tips(province)


def _all_docs(province: Province, wanted: Mapping[str, str]) -> Iterator[IndexDoc]:
    from doccontrol.repo.index_sync import iter_docs_at, procedure_folders

    for code, commit in wanted.items():
        path = province.mirror(code)
        for _, docs in iter_docs_at(path, commit, procedure_folders(path, commit), code):
            yield from docs


def rebuild(province: Province) -> int:
    """Rebuild the whole index from the mirrors' tips (a new generation, swapped in atomically)."""
    wanted = tips(province)
    backend = open_backend(province.index_dir, province.config.engine)
    count = 0

    def counted() -> Iterator[IndexDoc]:
        nonlocal count
        for doc in _all_docs(province, wanted):
            count += 1
            yield doc

    backend.rebuild(counted(), _encode(wanted))
    return count


def update(province: Province) -> str:
    """Bring the index up to every department's tip; what was done ("" if nothing). The caller
    holds the province's lock (``sync`` does; ``search`` takes it)."""
    from doccontrol.repo import mirror
    from doccontrol.repo.index_sync import docs_at, procedure_folders

    wanted = tips(province)
    backend = open_backend(province.index_dir, province.config.engine)
    have = reflected(backend)
    if have is None or set(have) - set(wanted):  # unreadable, or a department left the province
        return f"rebuilt ({rebuild(province)} documents)"
    done = dict(have)
    updates: dict[str, list[IndexDoc]] = {}
    changed = 0
    for code, commit in wanted.items():
        if have.get(code) == commit:
            continue
        path = province.mirror(code)
        folders = mirror.changed_folders(path, have.get(code), commit)
        done[code] = commit
        if folders is None:  # a department indexed for the first time: its own index commit (memory)
            whole = docs_at(path, commit, procedure_folders(path, commit), code)
            backend.replace_procedures(whole, _encode({**have, code: commit}))
            have, changed = {**have, code: commit}, changed + len(whole)
            continue
        updates.update(docs_at(path, commit, folders, code))  # slugs qualified by department: no clash
    if done != have:  # the other departments' changes in one index commit (one writer, one commit)
        backend.replace_procedures(updates, _encode(done))
    changed += len(updates)
    return f"updated {changed} procedure(s)" if changed else ""


@dataclass
class ProvinceSearch:
    hits: list[Hit] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def search(province: Province, request: SearchRequest, wait: bool = True) -> ProvinceSearch:
    """Search every department (or ``request.department``); an index behind the mirrors is
    brought up to them first, and the notice says so. ``wait=False`` (the web): WorkspaceError
    at once when a sync holds the lock, instead of waiting for it."""
    backend = open_backend(province.index_dir, province.config.engine)
    out = ProvinceSearch()
    if behind(province, backend):
        from doccontrol.repo.lock import writer_lock

        with writer_lock(province.root, "province search", timeout=None if wait else 0):
            done = update(province)
        if done:
            out.notices.append(f"Chỉ mục tìm kiếm của tỉnh đã được cập nhật theo các kho: {done}. "
                               f"(the province index was brought up to the mirrors: {done})")
        backend = open_backend(province.index_dir, province.config.engine)
    if request.department:
        request = _with_department(request, province.department(request.department).code)
    out.hits = backend.search(request)
    return out


def _with_department(request: SearchRequest, code: str) -> SearchRequest:
    import dataclasses

    return dataclasses.replace(request, department=code)
