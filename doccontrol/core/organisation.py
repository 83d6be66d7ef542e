"""The department's organisation as the repository keeps it: its offices' names and which office
answers for each field (lĩnh vực) of the TTHC catalog. Pure.

Kept in the repository (``_settings/organisation.json``, with history, written by ``init
--field`` and ``fields assign``; the offices in their configured order, which every list by office
follows) so that a copy of the repository alone gives the same coverage
figures. ``[fields]`` in ``doccontrol.toml`` is still read, for workspaces that mapped their fields
there before: the repository's map wins, and ``[fields]`` fills in the fields it does not map
(:func:`field_offices`). Fields compare without case, diacritics or punctuation.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from doccontrol.core.catalog import Tthc
from doccontrol.core.coverage import Link, words_key
from doccontrol.core.text import nfc, squash_spaces

ORGANISATION_FORMAT = "doccontrol.organisation"
ORGANISATION_VERSION = 1
SOURCE_REPOSITORY = "repository"
SOURCE_CONFIG = "doccontrol.toml"


class OrganisationError(ValueError):
    """An organisation file that cannot be read."""


@dataclass(frozen=True)
class Organisation:
    offices: Mapping[str, str] = field(default_factory=dict)  # office code → name
    fields: Mapping[str, str] = field(default_factory=dict)  # field (as the catalog spells it) → office code


def assign(org: Organisation, field_name: str, office: str | None) -> Organisation:
    """A copy of ``org`` with ``field_name`` given to ``office`` (None: unassigned); an earlier
    spelling of the same field is replaced."""
    name = squash_spaces(nfc(field_name))
    key = words_key(name)
    fields = {f: o for f, o in org.fields.items() if words_key(f) != key}
    if office is not None:
        fields[name] = office
    return Organisation(dict(org.offices), dict(sorted(fields.items(), key=lambda kv: words_key(kv[0]))))


def field_offices(org: Organisation, configured: Mapping[str, str]) -> dict[str, str]:
    """The field → office map every figure uses: the repository's, then ``[fields]`` of
    doccontrol.toml for the fields the repository does not map."""
    out = dict(org.fields)
    mapped = {words_key(f) for f in out}
    out.update({f: o for f, o in configured.items() if words_key(f) not in mapped})
    return out


def organisation_to_json(org: Organisation) -> str:
    doc = {
        "format": ORGANISATION_FORMAT,
        "version": ORGANISATION_VERSION,
        "offices": {code: nfc(name) for code, name in org.offices.items()},
        "office_order": list(org.offices),  # the offices' order (lists by office follow it)
        "fields": {nfc(name): code for name, code in org.fields.items()},
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def organisation_from_json(text: str) -> Organisation:
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict) or doc.get("format") != ORGANISATION_FORMAT:
            raise ValueError("not a doccontrol organisation file")
        offices = {str(k): nfc(str(v)) for k, v in doc.get("offices", {}).items()}
        order = [str(c) for c in doc.get("office_order", ()) if str(c) in offices]  # absent in older files
        offices = {c: offices[c] for c in dict.fromkeys([*order, *sorted(offices)])}
        return Organisation(offices, {nfc(str(k)): str(v) for k, v in doc.get("fields", {}).items()})
    except (ValueError, TypeError, AttributeError) as exc:
        raise OrganisationError(f"tệp tổ chức bị hỏng / malformed organisation file: {exc}") from exc


@dataclass(frozen=True)
class FieldRow:
    """One field of the catalog (in scope): its TTHC, who answers for it, who could."""

    field: str
    tthc: int  # active TTHC of the field in scope
    office: str  # the office it is assigned to ("" when none)
    source: str  # SOURCE_REPOSITORY | SOURCE_CONFIG | ""
    suggested: str  # the office whose procedures cover most of its TTHC ("" when none does)
    covered_by: Mapping[str, int]  # office → TTHC of the field its current procedures cover


def field_rows(catalog: Mapping[str, Tthc], in_scope: Iterable[str], org: Organisation,
               configured: Mapping[str, str], links: Sequence[Link], procedure_office: Mapping[str, str],
               office_order: Sequence[str]) -> list[FieldRow]:
    """Every field of the TTHC in scope (``in_scope``: their codes), with its count, its office
    (the repository's, else doccontrol.toml's) or a suggested one: the office whose current
    procedures are linked (``links``, of current procedures; ``procedure_office``: procedure code
    → office) to most of the field's TTHC, ties in ``office_order``."""
    spelled: dict[str, str] = {}
    count: Counter[str] = Counter()
    for code in in_scope:
        t = catalog[code]
        key = words_key(t.field)
        spelled.setdefault(key, t.field)
        count[key] += 1
    covering: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for link in links:
        t = catalog.get(link.tthc)
        office = procedure_office.get(link.procedure)
        if t is not None and office and words_key(t.field) in count:
            covering[words_key(t.field)][office].add(link.tthc)
    ours = {words_key(f): o for f, o in org.fields.items()}
    theirs = {words_key(f): o for f, o in configured.items()}
    rank = {o: i for i, o in enumerate(office_order)}
    rows = []
    for key in sorted(count):
        by_office = {o: len(c) for o, c in covering[key].items()}
        best = sorted(by_office, key=lambda o: (-by_office[o], rank.get(o, len(rank)), o))
        office, source = (ours[key], SOURCE_REPOSITORY) if key in ours else (
            (theirs[key], SOURCE_CONFIG) if key in theirs else ("", ""))
        rows.append(FieldRow(spelled[key], count[key], office, source, best[0] if best else "", by_office))
    return rows
