"""The index's own files, read without the search engine (no whoosh, no numpy): which generation
is live, which repository commit it reflects, whether its files are whole.

``status`` and the freshness check before every search ask these questions; importing whoosh and
numpy to answer them would cost more than the answer. Each whoosh generation keeps, beside
whoosh's files, ``checksums.json`` (size and sha256 of each) and ``reflects.json`` (the commit the
index reflects and the table of contents it was written with), both written after whoosh's commit.
When ``reflects.json`` names the newest table of contents, its commit is the index's. A tantivy
generation keeps ``reflects.json`` too, written after each tantivy commit with the commit's
*opstamp* (tantivy's commit number, which its ``meta.json`` records and merges keep): when they
agree, its commit is the index's. Otherwise (a writer stopped between the two, an index written
by an older version) :func:`read_state` says it cannot tell, and the engine's own record is read
(``whoosh_backend``, ``tantivy_backend``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from doccontrol.core.lazy_pattern import lazy_pattern

INDEX_FORMAT = 6  # whoosh's: 5: code keys of core.text.code_key's second normal form (inner spaces, look-alikes); 6: department
TANTIVY_FORMAT = "tantivy-1"  # tantivy's
TANTIVY_META = "meta.json"  # tantivy's own record of its segments and last commit ("opstamp")
FORMATS = {"whoosh": INDEX_FORMAT, "tantivy": TANTIVY_FORMAT}  # each engine's (``[search] engine``)
POINTER = "CURRENT"  # the live generation's directory name
GENERATION_META = "doccontrol-index.json"  # {"format": N}
CHECKSUMS = "checksums.json"
REFLECTS = "reflects.json"  # {"commit": ..., "toc": ...}
GENERATION_NAME = lazy_pattern(r"g[0-9a-f]+-[0-9a-f]+")  # what a rebuild names them
TOC_FILE = lazy_pattern(r"^_MAIN_([0-9]+)\.toc$")  # whoosh's table of contents (``TOC._pattern("MAIN")``)


class PointerError(Exception):
    """The live generation cannot be read: (Vietnamese, English) of what is wrong."""

    def __init__(self, what_vi: str, what_en: str) -> None:
        super().__init__(what_en)
        self.what_vi, self.what_en = what_vi, what_en


def live_generation(index_dir: Path) -> str:
    """The live generation's directory name; PointerError when there is none or it is garbled."""
    try:
        name = (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise PointerError("chưa được tạo", "does not exist") from None
    except (OSError, UnicodeDecodeError) as e:  # a garbled pointer is a damaged index, not a crash
        raise PointerError(f"không đọc được ({e})", f"unreadable ({e})") from e
    if not GENERATION_NAME.fullmatch(name):
        raise PointerError("có con trỏ hỏng", "has a damaged pointer file")
    return name


def write_json(path: Path, data: Any) -> None:
    """Replace ``path`` atomically with ``data`` as JSON."""
    import secrets  # (here: a search never writes, and secrets loads hmac and OpenSSL)

    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def newest_toc(gdir: Path) -> str | None:
    """The newest table of contents in a generation (whoosh reads that one), None if there is none."""
    found = [(int(m.group(1)), entry.name) for entry in os.scandir(gdir) if (m := TOC_FILE.match(entry.name))]
    return max(found)[1] if found else None


def record_reflected(gdir: Path, commit: str) -> None:
    """After a whoosh commit (and its checksums): the commit it reflects, and under which TOC."""
    write_json(gdir / REFLECTS, {"commit": commit, "toc": newest_toc(gdir)})


def record_reflected_tantivy(gdir: Path, commit: str, opstamp: int) -> None:
    """After a tantivy commit: the commit it reflects, and the opstamp tantivy gave that commit."""
    write_json(gdir / REFLECTS, {"commit": commit, "opstamp": opstamp})


def _tantivy_opstamp(gdir: Path) -> object:
    """The opstamp of the last commit tantivy recorded in the generation's ``meta.json``."""
    return json.loads((gdir / TANTIVY_META).read_text(encoding="utf-8")).get("opstamp")


def generation_stamp(index_dir: Path) -> tuple[object, ...] | None:
    """What the live generation's files are now: its name and each file's name, size and change
    time (one directory listing). Equal stamps: nothing in the index changed in between (a commit,
    a rebuild or a damaged file changes it), so a reader opened under the first may be reused."""
    try:
        name = live_generation(index_dir)
        with os.scandir(index_dir / name) as entries:
            files = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries if e.is_file())
    except (PointerError, OSError):
        return None
    return (name, *files)


# --- digests, remembered per file version within a process --------------------------------------------

_DIGESTS: dict[tuple[str, int, int, int], str] = {}
_DIGESTS_MAX = 4096


def sha256_of(path: Path) -> str:
    """The file's sha256. Remembered in this process for the same path, size, change time and
    inode (whoosh never rewrites a file in place: a long-lived web view hashes each file once)."""
    import hashlib  # (here: a search reads no digest, and hashlib loads OpenSSL)

    info = path.stat()
    key = (str(path), info.st_size, info.st_mtime_ns, info.st_ino)
    known = _DIGESTS.get(key)
    if known is not None:
        return known
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    if len(_DIGESTS) >= _DIGESTS_MAX:
        _DIGESTS.clear()
    _DIGESTS[key] = digest.hexdigest()
    return _DIGESTS[key]


# --- the index's state, when the files tell it ---------------------------------------------------------


@dataclass(frozen=True)
class RecordedState:
    generation: str
    commit: str | None


def read_state(index_dir: Path, check_files: bool = False, engine: str | None = None) -> RecordedState | None:
    """The live generation and the commit it reflects, when its files say so plainly: a format
    of this version (of ``engine``'s, when given: an index the other engine wrote is not one), ``reflects.json`` written for the engine's newest commit (whoosh: its newest
    table of contents; tantivy: the opstamp of ``meta.json``) and (``check_files``, whoosh only)
    every file ``checksums.json`` lists present with its size and sha256. None when anything
    is missing, damaged or uncertain: then the engine itself must look (and say what is wrong)."""
    try:
        name = live_generation(index_dir)
        gdir = index_dir / name
        meta = json.loads((gdir / GENERATION_META).read_text(encoding="utf-8"))
        reflects = json.loads((gdir / REFLECTS).read_text(encoding="utf-8"))
        if engine is not None and meta.get("format") != FORMATS.get(engine):
            return None
        if meta.get("format") == INDEX_FORMAT:
            if reflects.get("toc") != newest_toc(gdir) or (check_files and not _files_whole(gdir)):
                return None
        elif meta.get("format") == TANTIVY_FORMAT:
            opstamp = reflects.get("opstamp")
            if check_files or not isinstance(opstamp, int) or opstamp != _tantivy_opstamp(gdir):
                return None
        else:
            return None
    except (PointerError, OSError, ValueError, AttributeError):
        return None
    commit = reflects.get("commit")
    return RecordedState(name, commit if isinstance(commit, str) and commit else None)


def _files_whole(gdir: Path) -> bool:
    recorded = json.loads((gdir / CHECKSUMS).read_text(encoding="utf-8"))
    if not isinstance(recorded, dict) or newest_toc(gdir) not in recorded:
        return False
    for name, known in recorded.items():
        path = gdir / name
        if not path.is_file() or path.stat().st_size != known.get("size") or sha256_of(path) != known.get("sha256"):
            return False
    return True
