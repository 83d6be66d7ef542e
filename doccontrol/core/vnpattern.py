"""Accent- and case-insensitive regular expressions for Vietnamese labels (pure).

Labels are written in folded ASCII (``ma hieu``) and compiled by :func:`compile_folded` into
patterns (``[mM…][aAàáảãạăắ…]…``) that run on the NFC text itself, so a label matches with or
without diacritics, in any case, and every value is cut from the original text. The letter
classes come from ``core.text.fold`` (folding stays one function): every ASCII letter of a
pattern becomes the class of the letters that fold to it.
"""

from __future__ import annotations

import re

from doccontrol.core.text import fold

__all__ = ["BLANKS", "compile_folded", "starting_with"]

#: one or more blanks between the words of a label
BLANKS = r"[ \t]+"


def _letter_variants() -> dict[str, str]:
    variants: dict[str, set[str]] = {}
    for block in (range(0x00C0, 0x0250), range(0x1E00, 0x1F00)):
        for cp in block:
            ch = chr(cp)
            folded = fold(ch)
            if len(folded) == 1 and folded.isascii() and folded.isalpha() and folded != ch:
                variants.setdefault(folded.lower(), set()).add(ch)
    return {k: "".join(sorted(v)) for k, v in variants.items()}


_VARIANTS = _letter_variants()
_GROUP_PREFIX = re.compile(r"\(\?(?:[:=!]|<[=!]|P<\w+>|[aiLmsux]*(?:-[imsx]+)?:)")


def _accent_insensitive(src: str) -> str:
    """Rewrite a regular expression written in folded ASCII so that each letter outside
    character classes, escapes and group prefixes also matches its accented forms."""
    out: list[str] = []
    i, n, in_class = 0, len(src), False
    while i < n:
        ch = src[i]
        if ch == "\\":
            out.append(src[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(" and src.startswith("(?", i):
            prefix = _GROUP_PREFIX.match(src, i)
            if prefix is None:
                raise ValueError(f"unsupported group in {src!r}")
            out.append(prefix.group())
            i = prefix.end()
            continue
        elif ch == "{":
            close = src.index("}", i)
            out.append(src[i : close + 1])
            i = close + 1
            continue
        elif ch.isascii() and ch.isalpha():
            low = ch.lower()
            out.append(f"[{low}{low.upper()}{_VARIANTS.get(low, '')}]")
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def starting_with(letters: str) -> str:
    """A look-ahead for a pattern whose matches start with one of ``letters`` (folded, lower
    case; ``d`` also stands for ``đ``). Put first, it lets the regular expression engine skip
    every other position at once: a label search over a long text runs several times faster."""
    chars = set(letters) | set(letters.upper())
    if "d" in chars:
        chars |= {"đ", "Đ"}
    return f"(?=[{''.join(sorted(chars))}])"


def compile_folded(src: str, flags: int = 0) -> re.Pattern[str]:
    """Compile ``src``, written in folded ASCII, to match with and without diacritics, any case."""
    return re.compile(_accent_insensitive(src), flags | re.IGNORECASE)
