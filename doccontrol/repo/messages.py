"""Commit messages of the controlled repository: subject, body and ``Key: value`` trailers.

Every commit doccontrol writes says what it did in its trailers (``Action``, ``Office``,
``Revision``, ``Code-Key``, ``Slug``, ...); history, snapshots and recovery read them back.
Writing and reading them happens here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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

# Trailers of revisions and withdrawals: when it took effect, where that date comes from
# (document | ingest), and for a revision recorded after a higher one, that it is historical.
EFFECTIVE = "Effective"
EFFECTIVE_SOURCE = "Effective-Source"
HISTORICAL = "Historical"


def format_message(subject: str, trailers: Mapping[str, object], body: str = "") -> str:
    parts = [subject.replace("\n", " ").strip()]
    if body.strip():
        parts.append(body.strip())
    parts.append("\n".join(f"{key}: {str(value).replace(chr(10), ' ')}" for key, value in trailers.items()))
    return "\n\n".join(parts) + "\n"


def _paragraphs(message: str) -> list[str]:
    return [p for p in message.strip().split("\n\n") if p.strip()]


def parse_trailers(message: str) -> dict[str, str]:
    """``Key: value`` lines of the last paragraph of a commit message."""
    paragraphs = _paragraphs(message)
    trailers: dict[str, str] = {}
    if len(paragraphs) < 2:
        return trailers
    for line in paragraphs[-1].splitlines():
        key, sep, value = line.partition(": ")
        if sep and key and " " not in key:
            trailers[key] = value.strip()
    return trailers


@dataclass(frozen=True)
class ParsedMessage:
    subject: str
    body: str
    trailers: Mapping[str, str]


def parse_message(message: str) -> ParsedMessage:
    paragraphs = _paragraphs(message)
    body = "\n\n".join(paragraphs[1:-1]) if len(paragraphs) > 2 else ""
    return ParsedMessage(subject=paragraphs[0] if paragraphs else "", body=body, trailers=parse_trailers(message))
