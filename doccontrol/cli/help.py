"""Help texts as people read them: wrapped at spaces only, summaries that end where a sentence does.

click wraps with :class:`textwrap.TextWrapper`'s defaults, which break after a hyphen
(``152/2020/NĐ-`` / ``CP``, ``--dry-`` / ``run``) and inside words longer than a line; and it
cuts a command's summary at the first period followed by a capital or digit, so
``(e.g. 152/2020/NĐ-CP)`` became ``(e.g.``. Here a line breaks only at a space, and a summary
is the first sentence outside parentheses, shortened at a space with ``…`` when it is too long.
"""

from __future__ import annotations

from collections.abc import Iterable

import click

from doccontrol.core.lazy_pattern import lazy_pattern

ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "v.v.", "vd.", "TT.", "No.")


def wrap(text: str, width: int, indent: str = "") -> str:
    """``text`` rewrapped to ``width`` at spaces only, paragraph by paragraph (a blank line
    between paragraphs; a paragraph opening with a ``\\b`` line is kept as it is, as click does)."""
    import textwrap  # when help is shown: a command that runs does not load it

    out = []
    for raw, extra, body in _paragraphs(text):
        lead = indent + " " * extra
        if raw:
            out.append("\n".join(lead + line for line in body.splitlines()))
        else:
            out.append(textwrap.fill(body, max(width, 10), initial_indent=lead, subsequent_indent=lead,
                                     break_on_hyphens=False, break_long_words=False))
    return "\n\n".join(out)


def _paragraphs(text: str) -> list[tuple[bool, int, str]]:
    """(kept as it is, extra indent, text) of each paragraph of a help text."""
    found: list[tuple[bool, int, str]] = []
    lines: list[str] = []
    extra = 0

    def flush() -> None:
        if lines:
            if lines[0].strip() == "\b":
                found.append((True, extra, "\n".join(lines[1:])))
            else:
                found.append((False, extra, " ".join(line.strip() for line in lines)))
            lines.clear()

    for line in text.expandtabs().splitlines():
        if not line.strip():
            flush()
            continue
        if not lines:
            extra = len(line) - len(line.lstrip())
        lines.append(line)
    flush()
    return found


_WORD_END = lazy_pattern(r"\.(?=\s|$)")


def first_sentence(text: str) -> str:
    """The first sentence of the first paragraph: up to a period that is followed by a space or
    the end, outside parentheses, and not the end of an abbreviation (``e.g.``)."""
    paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
    depth = 0
    for i, ch in enumerate(paragraph):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == "." and depth == 0 and _WORD_END.match(paragraph, i):
            head = paragraph[: i + 1]
            if not head.endswith(ABBREVIATIONS):
                return head
    return paragraph


def short_help(text: str, limit: int = 45) -> str:
    """A command's summary in a list of commands: :func:`first_sentence`, shortened at a space
    with ``…`` when it is longer than ``limit``."""
    sentence = first_sentence(text)
    while len(sentence) > limit and _ASIDE.search(sentence):
        sentence = _ASIDE.sub("", sentence, count=1)  # an aside goes whole, never cut inside
    if len(sentence) <= limit:
        return sentence
    import textwrap

    return textwrap.shorten(sentence, max(limit, 8), placeholder="…", break_on_hyphens=False)


_ASIDE = lazy_pattern(r" ?\([^()]*\)(?=[^()]*$)")  # the last parenthesised aside (no nesting after it)


class SpaceWrappingFormatter(click.HelpFormatter):
    """click's formatter, with text and definition lists wrapped by :func:`wrap`."""

    def write_text(self, text: str) -> None:
        self.write(wrap(text, self.width, " " * self.current_indent))
        self.write("\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_width = min(max((len(first) for first, _ in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if len(first) <= first_width - col_spacing:
                self.write(" " * (first_width - len(first)))
            else:
                self.write("\n" + " " * (first_width + self.current_indent))
            lines = wrap(second, max(self.width - first_width - 2, 10)).splitlines() or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_width + self.current_indent}}{line}\n")


class DoccontrolContext(click.Context):
    formatter_class = SpaceWrappingFormatter
