"""Commit messages of the controlled repository: subject, body and ``Key: value`` trailers.

Every commit doccontrol writes says what it did in its trailers (``Action``, ``Office``,
``Revision``, ``Code-Key``, ``Slug``, ...); history, snapshots and recovery read them back.
Writing and reading them happens here and nowhere else, and so does turning an office into the
author of a commit.

Names are data, never syntax: everything a person or a document chose (a file name, a code, a
title, a reason, an office's name) goes through one encoder before it reaches git —
:func:`doccontrol.core.names.escape` (lossless: newlines, carriage returns, other control
characters, line separators and bytes that are not UTF-8 become ``%XX``) for the subject, the
body and every trailer value, and :func:`identity_name` / :func:`identity_email` for author
lines. So a value can never start a line, and a line can never become a trailer.

Reading is strict (:func:`parse_message`, :func:`check_trailers`): the last paragraph must be
trailers and nothing else, each key once, the values an action needs present and well formed,
and the ``Office`` trailer must be the commit's author. A commit that fails is *unreadable*:
:class:`MessageError` says why; history skips it and ``verify`` reports it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from doccontrol.core import names
from doccontrol.core.config import OFFICE_CODE
from doccontrol.repo import layout

# Actions (the ``Action`` trailer).
INGEST = "ingest"
WITHDRAW = "withdraw"
REVIEW = "review"
CATALOG_IMPORT = "catalog-import"
CATALOG_UNDO = "catalog-undo"  # its ``Reverts`` trailer names the import commit it reverted
CATALOG_SCOPE = "catalog-scope"
FIELDS = "fields"  # the offices' names and the fields → offices map
REVERTS = "Reverts"
LINK = "link"
UNLINK = "unlink"
LAWS_REPLACED = "laws-replaced"
OTHER = "other"  # a commit without trailers (the repository's first commit)
UNREADABLE = "unreadable"  # a commit whose message does not parse (see MessageError)

_PROCEDURE_KEYS = ("Office", "Owner", "Revision", "Code-Key", "Slug")
REQUIRED: dict[str, tuple[str, ...]] = {
    INGEST: (*_PROCEDURE_KEYS, "Source-File", "Sha256"),
    WITHDRAW: _PROCEDURE_KEYS,
    REVIEW: _PROCEDURE_KEYS,
    CATALOG_IMPORT: ("Office",),
    CATALOG_UNDO: ("Office", REVERTS),
    CATALOG_SCOPE: ("Office",),
    FIELDS: ("Office",),
    LINK: ("Office", "Code-Key"),
    UNLINK: ("Office", "Code-Key"),
    LAWS_REPLACED: ("Office",),
}

_KEY = re.compile(r"[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
_TRAILER = re.compile(f"({_KEY.pattern}): (.*)")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_REVISION = re.compile(r"[1-9][0-9]{0,8}")


class MessageError(ValueError):
    """A commit message doccontrol did not write as it is (hand-made, altered or forged)."""


# --- writing ---------------------------------------------------------------------------------------


def encode(value: object) -> str:
    """One trailer value or subject as one line (lossless: :func:`decode` gives it back)."""
    return names.escape(str(value))


def decode(text: str) -> str:
    return names.unescape(text)

# Trailers of revisions and withdrawals: when it took effect, where that date comes from
# (document | ingest), and for a revision recorded after a higher one, that it is historical.
EFFECTIVE = "Effective"
EFFECTIVE_SOURCE = "Effective-Source"
HISTORICAL = "Historical"


def format_message(subject: str, trailers: Mapping[str, object], body: str = "") -> str:
    """The subject, a blank line, the body (if any), a blank line, the trailers.

    Subject and body are one encoded line each, every trailer value is encoded: no value can add
    a line, a paragraph or a trailer.
    """
    for key in trailers:
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a trailer key: {key!r}")
    parts = [encode(subject.strip()) or "-"]
    if body.strip():
        parts.append(encode(body.strip()))
    parts.append("\n".join(f"{key}: {encode(value)}" for key, value in trailers.items()))
    return "\n\n".join(parts) + "\n"


def identity_name(name: str) -> str:
    """A name for a commit's author line: ``<``, ``>``, line breaks and control characters would
    end or forge the line, so they become spaces (a display name; the office is in the e-mail)."""
    spaced = "".join(" " if ch in "<>" or names.is_control(ch) else ch for ch in names.readable(name))
    cleaned = " ".join(spaced.split())
    return cleaned or "-"


def identity_email(office: str, domain: str) -> str:
    """``office@domain`` for an office code; ValueError for a code that could not be one."""
    if not OFFICE_CODE.fullmatch(office):
        raise ValueError(f"not an office code: {office!r}")
    return f"{office.lower()}@{domain}"


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedMessage:
    subject: str
    body: str
    trailers: Mapping[str, str]


def parse_message(message: str) -> ParsedMessage:
    """Subject, body and trailers, decoded. MessageError for a message not written as
    :func:`format_message` writes them (the first commit, one line and no trailers, is one)."""
    paragraphs = message.rstrip("\n").split("\n\n")
    if len(paragraphs) == 1 and "\n" not in paragraphs[0]:
        return ParsedMessage(subject=decode(paragraphs[0]), body="", trailers={})
    if len(paragraphs) not in (2, 3) or any("\n" in p for p in paragraphs[:-1]):
        raise MessageError("not a subject, a body of one line and trailers")
    trailers: dict[str, str] = {}
    for line in paragraphs[-1].split("\n"):
        match = _TRAILER.fullmatch(line)
        if match is None:
            raise MessageError(f"not a trailer: {names.printable(line)[:80]!r}")
        key, value = match.groups()
        if key in trailers:
            raise MessageError(f"the trailer {key} twice")
        trailers[key] = decode(value)
    body = decode(paragraphs[1]) if len(paragraphs) == 3 else ""
    return ParsedMessage(subject=decode(paragraphs[0]), body=body, trailers=trailers)


def parse_trailers(message: str) -> dict[str, str]:
    """The decoded ``Key: value`` trailers of a commit message (MessageError: see :func:`parse_message`)."""
    return dict(parse_message(message).trailers)


def check_trailers(trailers: Mapping[str, str], author_office: str) -> str:
    """The action of a commit whose trailers are well formed for it; MessageError otherwise.

    ``author_office``: the office of the commit's author e-mail (``""`` for doccontrol itself),
    which the ``Office`` trailer must name.
    """
    if not trailers:
        return OTHER
    action = trailers.get("Action", "")
    if action not in REQUIRED:
        raise MessageError(f"unknown action {names.printable(action)[:40]!r}")
    missing = [key for key in REQUIRED[action] if not trailers.get(key)]
    if missing:
        raise MessageError(f"{action} without {', '.join(missing)}")
    checks = (("Office", OFFICE_CODE.fullmatch), ("Owner", OFFICE_CODE.fullmatch), ("Slug", layout.is_slug),
              ("Revision", _REVISION.fullmatch), ("Sha256", _SHA256.fullmatch))
    for key, valid in checks:
        if key in trailers and not valid(trailers[key]):
            raise MessageError(f"{key} is not well formed: {names.printable(trailers[key])[:40]!r}")
    if trailers["Office"].lower() != author_office.lower():
        raise MessageError(f"Office {trailers['Office']} is not the author ({author_office or 'none'})")
    return action
