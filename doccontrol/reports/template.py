"""The editable template of the yearly report (pure: text in, blocks out).

A small, Markdown-like format that a clerk can edit (``templates/yearly_report.md`` is shipped;
``[report] template = "FILE"`` in doccontrol.toml points to the department's own copy):

- ``# I. KẾT QUẢ THỰC HIỆN``: a numbered section; ``## 1. Hệ thống tài liệu``: a subsection;
- a paragraph is one or more lines of text, blocks are separated by blank lines;
- ``- text``: a dash item (one per line);
- ``{{name}}`` inside text: a figure computed by doccontrol (``{{in_force_total}}``);
- ``{{table:name}}`` alone on its line: a table of figures;
- ``{{fill:what}}`` alone on its line: a clearly marked place for what only people know
  (internal audit, satisfaction survey, corrective actions); doccontrol never writes it;
- ``<!-- … -->``: a comment, left out.

An unknown ``{{name}}`` or table is an error that names the known ones, so a typo in an edited
template is caught before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

HEADING1 = "heading1"
HEADING2 = "heading2"
PARAGRAPH = "paragraph"
ITEM = "item"
TABLE = "table"
FILL = "fill"

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_VALUE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_TABLE = re.compile(r"^\{\{\s*table\s*:\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")
_FILL = re.compile(r"^\{\{\s*fill\s*:(.*)\}\}$", re.S)


class TemplateError(ValueError):
    """A template that names an unknown figure or table, or is otherwise malformed."""


@dataclass(frozen=True)
class Block:
    kind: str  # heading1 | heading2 | paragraph | item | table | fill
    text: str  # the text; for a table, its name
    line: int = 0  # where it starts in the template (1-based), for error messages


def default_template() -> str:
    """The template shipped with doccontrol."""
    return resources.files("doccontrol.reports").joinpath("templates/yearly_report.md").read_text(encoding="utf-8")


def parse_template(text: str) -> list[Block]:
    """The blocks of a template, in order (values not yet filled in)."""
    text = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text.replace("\r\n", "\n"))
    blocks: list[Block] = []
    paragraph: list[str] = []
    start = 0

    def flush() -> None:
        if paragraph:
            blocks.append(Block(PARAGRAPH, " ".join(paragraph), start))
            paragraph.clear()

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("## "):
            flush()
            blocks.append(Block(HEADING2, line[3:].strip(), number))
        elif line.startswith("# "):
            flush()
            blocks.append(Block(HEADING1, line[2:].strip(), number))
        elif line.startswith("- "):
            flush()
            blocks.append(Block(ITEM, line[2:].strip(), number))
        elif m := _TABLE.match(line):
            flush()
            blocks.append(Block(TABLE, m.group(1), number))
        elif m := _FILL.match(line):
            flush()
            blocks.append(Block(FILL, m.group(1).strip(), number))
        else:
            if not paragraph:
                start = number
            paragraph.append(line)
    flush()
    return blocks


def fill(blocks: Iterable[Block], values: Mapping[str, str], tables: Iterable[str]) -> list[Block]:
    """The blocks with every ``{{name}}`` replaced by its value; TemplateError for an unknown
    name or table (all of them at once)."""
    known_tables = set(tables)
    unknown: list[str] = []
    out: list[Block] = []

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            unknown.append(f"{{{{{name}}}}} (dòng/line {block.line})")
            return match.group(0)
        return values[name]

    for block in blocks:
        if block.kind == TABLE:
            if block.text not in known_tables:
                unknown.append(f"{{{{table:{block.text}}}}} (dòng/line {block.line})")
            out.append(block)
            continue
        out.append(Block(block.kind, _VALUE.sub(value, block.text), block.line))
    if unknown:
        raise TemplateError(
            "Mẫu báo cáo có tên không hợp lệ / the template names unknown figures: " + ", ".join(unknown)
            + ". Số liệu có / known figures: " + ", ".join(sorted(values))
            + ". Bảng có / known tables: " + ", ".join(sorted(known_tables))
        )
    return out


def fills(blocks: Iterable[Block]) -> list[str]:
    """The marked places for people, in order."""
    return [b.text for b in blocks if b.kind == FILL]
