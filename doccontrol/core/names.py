"""Names from outside (file names, codes, titles, office names) as data, never as syntax (pure).

A name arrives as the file system gives it: a ``str`` in which bytes that are not UTF-8 are kept
as lone surrogates (``os.fsdecode``, "surrogateescape"). Three forms leave doccontrol:

- :func:`readable`: valid Unicode for people and JSON — bytes that are not UTF-8 become U+FFFD
  (the replacement character); nothing else changes. Lossy only for such bytes.
- :func:`printable`: :func:`readable` on one line, safe for a terminal, a log line or a reason
  file — control characters (newlines, ESC of ANSI/OSC sequences, C1 controls), line and
  paragraph separators and bidirectional overrides are shown as escapes (``\\n``, ``\\x1b``,
  ``\\u202e``). The one escaping function for what people read.
- :func:`escape` / :func:`unescape`: lossless and still readable where the name is ordinary:
  the characters above and bytes that are not UTF-8 become ``%XX`` (UTF-8 bytes, or the raw
  byte), ``%`` becomes ``%25`` only where two hex digits follow it. ``unescape(escape(name))
  == name`` for every name the file system can give (see the round-trip tests). Commit
  trailers (``repo.messages``) and the journal's escaped names use it.
"""

from __future__ import annotations

import re
import unicodedata
from doccontrol.core.lazy_pattern import lazy_pattern

REPLACEMENT = "\ufffd"
# Bidirectional formatting characters: they reorder what a terminal or a page shows ("trojan source").
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SEPARATORS = frozenset("\u2028\u2029")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_HEX2 = lazy_pattern(r"[0-9A-Fa-f]{2}")
_ESCAPED_RUN = lazy_pattern(r"(?:%[0-9A-Fa-f]{2})+")


def is_escaped_byte(ch: str) -> bool:
    """True for the lone surrogate that stands for a byte that is not UTF-8 (surrogateescape)."""
    return "\udc80" <= ch <= "\udcff"


def _is_surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"


def is_control(ch: str) -> bool:
    """A character that changes how text is laid out or shown rather than showing itself:
    C0 and C1 controls (newlines, ESC, CSI), DEL, line and paragraph separators, bidi overrides."""
    return unicodedata.category(ch) == "Cc" or ch in _SEPARATORS or ch in _BIDI


def has_undecodable(name: str) -> bool:
    """True when ``name`` holds bytes that are not UTF-8 (or any lone surrogate)."""
    return any(_is_surrogate(ch) for ch in name)


def readable(name: str) -> str:
    """``name`` as valid Unicode: bytes that are not UTF-8 become U+FFFD, nothing else changes."""
    if not has_undecodable(name):
        return name
    return "".join(REPLACEMENT if _is_surrogate(ch) else ch for ch in name)


def _shown(ch: str) -> str:
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` for a terminal, a log line or a reason file: one line, nothing a terminal acts on."""
    if text.isprintable():  # the common case, in C: no control, separator, bidi mark nor surrogate
        return text
    text = readable(text)
    if not any(is_control(ch) for ch in text):
        return text
    return "".join(_shown(ch) if is_control(ch) else ch for ch in text)


def _escape_char(ch: str) -> str:
    if is_escaped_byte(ch):
        return f"%{ord(ch) - 0xDC00:02X}"
    if _is_surrogate(ch):
        return REPLACEMENT  # neither text nor a byte: no file system gives it (the one loss)
    return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8"))


def escape(name: str) -> str:
    """The lossless one-line form of ``name`` (see the module's docstring)."""
    out: list[str] = []
    for i, ch in enumerate(name):
        if ch == "%":
            out.append("%25" if _HEX2.match(name, i + 1) else "%")
        elif _is_surrogate(ch) or is_control(ch):
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def unescape(text: str) -> str:
    """The name :func:`escape` wrote (a ``%`` not followed by two hex digits is itself)."""
    if "%" not in text:
        return text

    def bytes_of(match: re.Match[str]) -> str:
        raw = bytes(int(match.group(0)[i + 1:i + 3], 16) for i in range(0, len(match.group(0)), 3))
        return raw.decode("utf-8", "surrogateescape")

    return _ESCAPED_RUN.sub(bytes_of, text)


def name_bytes(name: str) -> bytes:
    """The bytes of a file name as the file system holds them (UTF-8; bytes that are not UTF-8 kept)."""
    try:
        return name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that stands for no byte
        return readable(name).encode("utf-8")


def export_name(slug: str, revision: int, ext: str) -> str:
    """The file name a revision is exported and downloaded under: ``<code-slug>_r<N>.<ext>``.
    Never the name the office dropped, which could be anything (``doccontrol.toml`` included)."""
    safe_ext = ext.lower() if ext.isascii() and ext.isalnum() else "bin"
    return f"{slug}_r{revision}.{safe_ext}"
