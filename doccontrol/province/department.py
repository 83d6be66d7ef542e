"""One department as the province reads it: its mirror at the tip the last sync took, the
repository at that commit (a ``Snapshot``), the configuration its figures need (from what the
repository keeps: the offices' names and order, fields → offices, the catalog's scope), and its
coverage at that commit — computed once per tip and kept in ``cache/<CODE>.pickle`` (derived:
rebuilt when missing, never trusted for another commit).

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
from collections.abc import Iterator
from dataclasses import dataclass

from doccontrol.core.config import DEFAULT_CONTROLLER, Config
from doccontrol.core.province import Department
from doccontrol.errors import UsageError
from doccontrol.province.home import Province, read_state
from doccontrol.repo import mirror
from doccontrol.repo.gitcmd import Git
from doccontrol.repo.snapshot import Snapshot, load_in_force, load_snapshot
from doccontrol.service.tthc import CoverageResult, coverage_from, coverage_inputs

CACHE_FORMAT = 1


@dataclass
class DepartmentData:
    """A department's repository at one commit, with what is computed from it once."""

    code: str
    commit: str
    snapshot: Snapshot
    config: Config
    coverage: CoverageResult | None  # the whole coverage (None: no catalog imported)


def department_config(dept: Department, snapshot: Snapshot, province_name: str) -> Config:
    """The configuration the department's figures need, from its repository: its offices (names,
    order) and fields → offices as the repository keeps them; its name from ``province.toml``.
    Settings local to the department's machine (paths, watcher, remote) play no part."""
    offices = dict(snapshot.organisation.offices)
    for state in snapshot.states:  # an office that owns procedures but was never recorded
        offices.setdefault(state.office, state.office)
    controller = DEFAULT_CONTROLLER if DEFAULT_CONTROLLER in offices or not offices else next(iter(offices))
    return Config(agency=dept.name, parent_agency=province_name, province=province_name, offices=offices,
                  controller=controller, field_offices={})


def _cache_path(province: Province, code: str) -> os.PathLike[str]:
    return province.cache_dir / f"{code}.pickle"


def _read_cache(province: Province, code: str, commit: str) -> DepartmentData | None:
    try:
        with open(_cache_path(province, code), "rb") as f:
            kept = pickle.load(f)  # noqa: S301 - written by this module into the province's own folder
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("format") != CACHE_FORMAT or kept.get("commit") != commit:
        return None
    data = kept.get("data")
    return data if isinstance(data, DepartmentData) else None


def _write_cache(province: Province, data: DepartmentData) -> None:
    province.cache_dir.mkdir(parents=True, exist_ok=True)
    path = province.cache_dir / f"{data.code}.pickle"
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as f:
        pickle.dump({"format": CACHE_FORMAT, "commit": data.commit, "data": data}, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def synced_tip(province: Province, code: str) -> str | None:
    """The commit the mirror of ``code`` shows (None before its first good sync)."""
    path = province.mirror(code)
    return mirror.tip(path) if mirror.is_mirror(path) else None


def compute(province: Province, dept: Department, commit: str) -> DepartmentData:
    """Read the department's repository at ``commit`` and compute its coverage (no cache)."""
    with Git(province.mirror(dept.code)) as git:
        snap = load_snapshot(git, commit)
    config = department_config(dept, snap, province.config.name)
    result = coverage_from(coverage_inputs(snap, config), config) if snap.catalog is not None else None
    return DepartmentData(dept.code, commit, snap, config, result)


def refresh(province: Province, dept: Department) -> DepartmentData | None:
    """The department's data at its mirror's tip: from the cache when it is for that commit, else
    computed and kept. None when the department was never synced."""
    commit = synced_tip(province, dept.code)
    if commit is None:
        return None
    found = _read_cache(province, dept.code, commit)
    if found is not None:
        found.config = department_config(dept, found.snapshot, province.config.name)  # names may change in the toml
        return found
    data = compute(province, dept, commit)
    with contextlib.suppress(OSError):
        _write_cache(province, data)
    return data


@contextlib.contextmanager
def in_force_reader(province: Province, code: str, commit: str) -> Iterator[object]:
    """A function ``day → Snapshot`` (the procedures in force on a day, as the department's
    ``report`` reads them), over the mirror at ``commit``."""
    with Git(province.mirror(code)) as git:
        yield lambda day: load_in_force(git, day, commit)


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
