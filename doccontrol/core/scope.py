"""The catalog's scope: which TTHC of the (whole, kept) catalog are the workspace's own. Pure.

A national export lists every TTHC of a ministry, at every level and for every agency; a
department answers for a part of it. The scope says which part, by

- implementing agency: "Cơ quan thực hiện" contains the text (``Sở Tư pháp`` matches
  ``Sở Tư Pháp``, ``Chủ tịch UBND cấp tỉnh; Sở Tư pháp`` and ``SỞ TƯ PHÁP THÀNH PHỐ HÀ NỘI``);
- level: "Cấp thực hiện" contains the text;
- field: the field is the text;
- code: an explicit list of TTHC codes.

Values of one kind are alternatives; kinds combine with "and"; text compares without case,
diacritics or punctuation (whole words). An empty scope holds the whole catalog. Kept in the
repository as ``_catalog/scope.json`` (with history), so every figure says which scope it used.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from doccontrol.core.catalog import Tthc, tthc_key
from doccontrol.core.coverage import words_key
from doccontrol.core.text import nfc, squash_spaces

SCOPE_FORMAT = "doccontrol.scope"
SCOPE_VERSION = 1


class ScopeError(ValueError):
    """A scope file or a code that cannot be read."""


def _contains(haystack: str, needle: str) -> bool:
    """Whole-word containment of two :func:`words_key` forms."""
    return bool(needle) and f" {needle} " in f" {haystack} "


def _distinct(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in (squash_spaces(nfc(x)) for x in values) if v))


@dataclass(frozen=True)
class CatalogScope:
    """Which TTHC are the workspace's own (empty: all of them)."""

    agencies: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.agencies or self.levels or self.fields or self.codes)

    def holds(self, t: Tthc) -> bool:
        """True for a TTHC in scope."""
        if self.codes and t.code not in self.codes:
            return False
        if self.fields and words_key(t.field) not in {words_key(f) for f in self.fields}:
            return False
        if self.agencies and not any(_contains(words_key(t.agency), words_key(a)) for a in self.agencies):
            return False
        return not self.levels or any(_contains(words_key(t.level), words_key(lv)) for lv in self.levels)

    def count(self, catalog: Mapping[str, Tthc]) -> tuple[int, int]:
        """(active TTHC in scope, active TTHC in the catalog)."""
        active = [t for t in catalog.values() if t.active]
        return sum(1 for t in active if self.holds(t)), len(active)

    def describe(self) -> tuple[str, str]:
        """(Vietnamese, English) in words: what every report prints as the scope it used."""
        if self.empty:
            return "toàn bộ danh mục (chưa giới hạn phạm vi)", "the whole catalog (no scope set)"
        parts_vi: list[str] = []
        parts_en: list[str] = []
        for values, vi_label, en_label in ((self.agencies, "cơ quan thực hiện có", "implementing agency contains"),
                                           (self.levels, "cấp thực hiện có", "level contains"),
                                           (self.fields, "lĩnh vực là", "field is")):
            if values:
                parts_vi.append(f"{vi_label} " + " hoặc ".join(f"«{v}»" for v in values))
                parts_en.append(f"{en_label} " + " or ".join(f"«{v}»" for v in values))
        if self.codes:
            parts_vi.append(f"mã TTHC thuộc danh sách {len(self.codes)} mã")
            parts_en.append(f"one of {len(self.codes)} listed codes")
        return "; ".join(parts_vi), "; ".join(parts_en)


def make_scope(agencies: Iterable[str] = (), levels: Iterable[str] = (), fields: Iterable[str] = (),
               codes: Iterable[str] = ()) -> CatalogScope:
    """A scope from what a person typed; ScopeError for a code that is not a TTHC code."""
    normal: list[str] = []
    for code in codes:
        key = tthc_key(code)
        if key is None:
            raise ScopeError(f"mã TTHC không hợp lệ: «{code}» / invalid TTHC code: {code!r}")
        normal.append(key)
    return CatalogScope(_distinct(agencies), _distinct(levels), _distinct(fields), tuple(sorted(set(normal))))


def scope_to_json(scope: CatalogScope) -> str:
    doc = {
        "format": SCOPE_FORMAT,
        "version": SCOPE_VERSION,
        "agencies": list(scope.agencies),
        "levels": list(scope.levels),
        "fields": list(scope.fields),
        "codes": list(scope.codes),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def scope_from_json(text: str) -> CatalogScope:
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict) or doc.get("format") != SCOPE_FORMAT:
            raise ValueError("not a doccontrol scope file")
        return make_scope(doc.get("agencies", []), doc.get("levels", []), doc.get("fields", []), doc.get("codes", []))
    except (ValueError, TypeError, AttributeError) as exc:
        raise ScopeError(f"tệp phạm vi danh mục bị hỏng / malformed scope file: {exc}") from exc
