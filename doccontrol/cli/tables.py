"""The plain terminal table every command prints (columns padded, a rule under the headings)."""

from __future__ import annotations

from collections.abc import Sequence

from doccontrol.core.names import printable


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    """``rows`` under ``headers``, each column as wide as its widest cell; trailing spaces cut.
    Every cell is :func:`printable` (a name or a title cannot break the table or the terminal)."""
    rows = [[printable(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(out)


def render_snippet(snippet: str, color: bool) -> str:
    """A search hit's snippet for a terminal: the query's words bold (or between ``*``)."""
    import click

    from doccontrol.search.backend import snippet_segments

    pieces = []
    for text, marked in snippet_segments(snippet):
        pieces.append(click.style(text, bold=True, fg="yellow") if marked and color else (f"*{text}*" if marked else text))
    return "".join(pieces)
