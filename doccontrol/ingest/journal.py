"""The ingest journal, ``logs/ingest.jsonl``: one JSON record per processed file, appended.

The only code that writes or reads it. The file only grows, so the latest records are read from
its end. A crash can leave the last line cut short; readers skip a line that is not a JSON object,
and the writer starts its record on a new line, so a cut line never swallows the next record.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from doccontrol.core.model import Outcome

NAME = "ingest.jsonl"
TAIL_BYTES = 512 * 1024  # how much of the end of the file the "last records" readers look at

Record = dict[str, Any]


def path_in(logs: Path) -> Path:
    """The journal of the workspace whose log folder is ``logs``."""
    return logs / NAME


def record_of(outcome: Outcome, time: str) -> Record:
    """What the journal keeps of one processed file: when, the outcome (as ``--json`` prints it), how long."""
    return {"time": time, **outcome.as_json(), "seconds": outcome.seconds}


def _ends_cut(handle: Any) -> bool:
    """True when the file open in ``handle`` is not empty and does not end with a line break."""
    size = handle.seek(0, os.SEEK_END)
    if size == 0:
        return False
    handle.seek(size - 1)
    return bool(handle.read(1) != b"\n")


# Characters ``str.splitlines`` (and some editors) take for line breaks that JSON may leave raw.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def one_line(record: Mapping[str, Any]) -> str:
    """A record as one line of JSON for every reader (a name's line separators escaped too)."""
    text = json.dumps(record, ensure_ascii=False)
    for raw, escaped in _LINE_BREAKS.items():
        text = text.replace(raw, escaped)
    return text


def append(journal: Path, record: Mapping[str, Any]) -> None:
    """Add one record as one line (after a line break of its own if a crash cut the last line)."""
    line = one_line(record).encode("utf-8") + b"\n"
    with open(journal, "a+b") as handle:
        if _ends_cut(handle):
            line = b"\n" + line
        handle.write(line)


def _parse(line: bytes) -> Record | None:
    """A line as a record; None for a blank line, a line cut by a crash or anything not an object."""
    if not line.strip():
        return None
    try:
        record = json.loads(line.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _records(lines: Iterable[bytes]) -> Iterable[Record]:
    return (record for record in map(_parse, lines) if record is not None)


def _tail(journal: Path, tail_bytes: int) -> bytes:
    """The whole lines among the last ``tail_bytes`` bytes of the file (b"" when it cannot be read)."""
    try:
        with open(journal, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            start = max(0, size - tail_bytes)
            handle.seek(max(0, start - 1))
            data = handle.read()
    except OSError:
        return b""
    if start == 0:
        return data
    # ``data`` begins with the byte before ``start``: a line break there means the first line is whole.
    return data[1:] if data[:1] == b"\n" else data.partition(b"\n")[2]


def read_last(journal: Path, count: int, tail_bytes: int = TAIL_BYTES) -> list[Record]:
    """The last ``count`` records, newest first, read from the end of the file ([] when there is none)."""
    found: list[Record] = []
    for record in _records(reversed(_tail(journal, tail_bytes).split(b"\n"))):
        if len(found) >= count:
            break
        found.append(record)
    return found


def read_all(journal: Path) -> list[Record]:
    """Every record, oldest first ([] when there is no journal)."""
    try:
        data = journal.read_bytes()
    except OSError:
        return []
    return list(_records(data.split(b"\n")))


__all__ = ["NAME", "TAIL_BYTES", "Record", "append", "path_in", "read_all", "read_last", "record_of"]
