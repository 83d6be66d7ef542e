"""An index directory's generations, for every engine: ``CURRENT`` names the live one.

A rebuild writes a complete new generation ``g<time>-<random>/`` beside the live one, then
points ``CURRENT`` at it (``os.replace``: atomic); readers that opened the old one keep reading
it until the next rebuild removes it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from doccontrol.search.backend import IndexUnavailable
from doccontrol.search.index_files import GENERATION_NAME, POINTER, PointerError, live_generation


def unavailable(index_dir: Path, what: str, english: str) -> IndexUnavailable:
    return IndexUnavailable(f"Chỉ mục tìm kiếm {what} / search index {english}: {index_dir}")


def live(index_dir: Path) -> str:
    """The live generation's name; IndexUnavailable when there is none or the pointer is damaged."""
    try:
        return live_generation(index_dir)
    except PointerError as e:
        raise unavailable(index_dir, e.what_vi, e.what_en) from e.__cause__


def live_or_none(index_dir: Path) -> str | None:
    try:
        return live(index_dir)
    except IndexUnavailable:
        return None


def new_name() -> str:
    import secrets  # (here and below: a search writes no generation, and secrets loads OpenSSL)

    return f"g{time.time_ns():x}-{secrets.token_hex(3)}"


def start(index_dir: Path) -> tuple[str | None, str, Path]:
    """Begin a new generation: (the live one's name or None, the new one's name, its new empty
    folder). The caller writes it, then publishes it (:func:`publish`) or removes the folder."""
    index_dir.mkdir(parents=True, exist_ok=True)
    previous = live_or_none(index_dir)
    name = new_name()
    gdir = index_dir / name
    gdir.mkdir()
    return previous, name, gdir


def publish(index_dir: Path, name: str) -> None:
    """Make generation ``name`` the live one (atomically)."""
    import secrets

    pointer_tmp = index_dir / f".{POINTER}.{secrets.token_hex(4)}.tmp"
    pointer_tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(pointer_tmp, index_dir / POINTER)


def drop_older(index_dir: Path, keep: tuple[str | None, ...]) -> None:
    """Remove the generations other than ``keep`` (the new one and the one just replaced)."""
    for entry in os.scandir(index_dir):
        if entry.is_dir() and GENERATION_NAME.fullmatch(entry.name) and entry.name not in keep:
            import shutil  # (imported here: a search never drops a generation)

            shutil.rmtree(entry.path, ignore_errors=True)
