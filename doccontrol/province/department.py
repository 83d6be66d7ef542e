"""One department as the province reads it: its mirror at the tip the last sync took, the
repository at that commit (a ``Snapshot``), the configuration its figures need (from what the
repository keeps: the offices' names and order, fields → offices, the catalog's scope), and its
coverage at that commit — computed once per tip and kept in ``cache/<CODE>.figures.pickle``, the
repository read in ``cache/<CODE>.snapshot.pickle`` (derived: rebuilt when missing, never trusted
for another commit; the snapshot is read only by the views that need it). When the tip moves, the
repository at the new tip is brought forward from the one kept (``repo.snapshot_step.advance``:
only the procedure folders and commits that changed are read), the whole of it read again only
when that cannot be told (a rewritten history, no snapshot kept).

Every figure goes through the functions the department's own commands use
(``service.tthc.coverage_from``, ``service.reports.master_list_of``, ``yearly_report_of``) on
the repository at one commit: nothing is computed another way here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pickle
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from doccontrol.core.config import DEFAULT_CONTROLLER, Config
from doccontrol.core.province import Department
from doccontrol.errors import UsageError
from doccontrol.province.home import Province, read_state
from doccontrol.repo import mirror
from doccontrol.repo.gitcmd import Git
from doccontrol.repo import snapshot_step
from doccontrol.repo.snapshot import Snapshot, load_in_force
from doccontrol.service.tthc import CoverageResult, coverage_from, coverage_inputs

CACHE_FORMAT = 4


@dataclass
class DepartmentData:
    """A department's repository at one commit, with what is computed from it once. The
    repository itself (``snapshot``) is read only when a view needs it: the province's coverage
    needs only what was computed."""

    code: str
    commit: str
    offices: dict[str, str]  # the offices the figures name (code → name), as the repository keeps them
    has_catalog: bool
    config: Config
    coverage: CoverageResult | None  # the whole coverage (None: no catalog imported)
    load_snapshot: Callable[[], Snapshot] = field(repr=False, compare=False)
    _snapshot: Snapshot | None = field(default=None, repr=False, compare=False)

    @property
    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            self._snapshot = self.load_snapshot()
        return self._snapshot


def offices_of(snapshot: Snapshot) -> dict[str, str]:
    """The department's offices (names, order) as its repository keeps them, with any office that
    owns procedures but was never recorded."""
    offices = dict(snapshot.organisation.offices)
    for state in snapshot.states:
        offices.setdefault(state.office, state.office)
    return offices


def department_config(dept: Department, offices: dict[str, str], province_name: str) -> Config:
    """The configuration the department's figures need, from its repository: its offices (names,
    order; fields → offices are read from the repository by the figures themselves); its name
    from ``province.toml``. Settings local to the department's machine (paths, watcher, remote)
    play no part."""
    controller = DEFAULT_CONTROLLER if DEFAULT_CONTROLLER in offices or not offices else next(iter(offices))
    return Config(agency=dept.name, parent_agency=province_name, province=province_name, offices=dict(offices),
                  controller=controller, field_offices={})


def _cache_path(province: Province, code: str, part: str) -> Path:
    return province.cache_dir / f"{code}.{part}.pickle"


def _read_kept(path: Path, commit: str | None) -> dict[str, Any] | None:
    """What ``path`` keeps, if it is of ``commit`` (None: of any commit) and of this format."""
    try:
        with open(path, "rb") as f:
            # a small header first (format, commit): a file of another commit is not read further
            header = pickle.load(f)  # noqa: S301 - written by this module into the province's own folder
            if not isinstance(header, dict) or header.get("format") != CACHE_FORMAT or \
                    (commit is not None and header.get("commit") != commit):
                return None
            kept = pickle.load(f)  # noqa: S301
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return {**kept, "commit": header["commit"]} if isinstance(kept, dict) else None


def _write_kept(path: Path, kept: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as f:
        pickle.dump({"format": CACHE_FORMAT, "commit": kept["commit"]}, f, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(kept, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def _snapshot_loader(province: Province, code: str, commit: str) -> Callable[[], Snapshot]:
    """Read the repository at ``commit``: from ``cache/<CODE>.snapshot.pickle`` when it is of that
    commit; else brought forward from the one kept there (an older tip), or read whole from the
    mirror; kept for the next time."""

    def load() -> Snapshot:
        path = _cache_path(province, code, "snapshot")
        kept = _read_kept(path, None)
        older = None
        if kept is not None and isinstance(kept.get("snapshot"), Snapshot) and isinstance(kept.get("folders"), tuple):
            if kept["commit"] == commit:
                return kept["snapshot"]
            older = snapshot_step.Stepped(kept["snapshot"], kept["folders"])
        with Git(province.mirror(code)) as git:
            stepped = snapshot_step.advance(git, older, commit) if older is not None else None
            if stepped is None:
                stepped = snapshot_step.load(git, commit)
        with contextlib.suppress(OSError):
            _write_kept(path, {"commit": commit, "snapshot": stepped.snapshot, "folders": stepped.folders})
        return stepped.snapshot

    return load


def synced_tip(province: Province, code: str) -> str | None:
    """The commit the mirror of ``code`` shows (None before its first good sync)."""
    path = province.mirror(code)
    return mirror.tip(path) if mirror.is_mirror(path) else None


def compute(province: Province, dept: Department, commit: str) -> DepartmentData:
    """Read the department's repository at ``commit`` and compute its coverage (no cache)."""
    load = _snapshot_loader(province, dept.code, commit)
    snap = load()
    offices = offices_of(snap)
    config = department_config(dept, offices, province.config.name)
    result = coverage_from(coverage_inputs(snap, config), config) if snap.catalog is not None else None
    return DepartmentData(dept.code, commit, offices, snap.catalog is not None, config, result, load, snap)


def refresh(province: Province, dept: Department) -> DepartmentData | None:
    """The department's data at its mirror's tip: from the cache (``cache/<CODE>.figures.pickle``)
    when it is for that commit, else computed and kept. None when the department was never synced."""
    commit = synced_tip(province, dept.code)
    if commit is None:
        return None
    path = _cache_path(province, dept.code, "figures")
    kept = _read_kept(path, commit)
    if kept is not None:
        offices = kept["offices"]  # the names in province.toml may have changed: the config is made anew
        return DepartmentData(dept.code, commit, offices, kept["has_catalog"],
                              department_config(dept, offices, province.config.name), kept["coverage"],
                              _snapshot_loader(province, dept.code, commit))
    data = compute(province, dept, commit)
    with contextlib.suppress(OSError):
        _write_kept(path, {"commit": commit, "offices": data.offices, "has_catalog": data.has_catalog,
                           "coverage": data.coverage})
    return data


@contextlib.contextmanager
def in_force_reader(province: Province, code: str, commit: str,
                    kept: DepartmentData | None = None) -> Iterator[object]:
    """A function ``day → Snapshot`` (the procedures in force on a day, as the department's
    ``report`` reads them), over the mirror at ``commit``; the history is taken from ``kept``'s
    snapshot (the one kept for that commit) instead of read again."""
    events = kept.snapshot.events if kept is not None and kept.commit == commit else None
    with Git(province.mirror(code)) as git:
        yield lambda day: load_in_force(git, day, commit, events)


def departments(province: Province, code: str | None = None) -> list[Department]:
    """Every department of ``province.toml`` in its order, or the one named ``code``."""
    if code is not None:
        return [province.department(code)]
    return list(province.config.departments.values())


def last_sync(province: Province) -> dict[str, dict[str, object]]:
    return read_state(province)


def require_synced(data: DepartmentData | None, dept: Department) -> DepartmentData:
    if data is None:
        raise UsageError(f"Sở {dept.code} chưa được đồng bộ lần nào: chạy doccontrol province sync.",
                         f"Department {dept.code} was never synced: run 'doccontrol province sync'.")
    return data


def generated_now() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)
