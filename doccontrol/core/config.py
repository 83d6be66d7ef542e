"""The workspace's configuration (``doccontrol.toml``) as plain data: parse and render, no I/O.

Agency, offices, fields and limits differ between agencies and change when departments merge:
they are configuration, never constants in code.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from doccontrol.core.dates import DEFAULT_TIMEZONE, zone_of
from doccontrol.core.labels import code_order, office_rank
from doccontrol.core.model import Limits
from doccontrol.core.text import fold_lower, nfc
from doccontrol.errors import WorkspaceError
from doccontrol.core.lazy_pattern import lazy_pattern

if TYPE_CHECKING:
    from doccontrol.core.model import ProcedureState

CONFIG_NAME = "doccontrol.toml"
DEFAULT_CONTROLLER = "VP"
DEFAULT_OFFICES: dict[str, str] = {"VP": "Văn phòng"}
OFFICE_CODE = lazy_pattern(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}\Z")  # use fullmatch (\Z: never a trailing newline)
# Folder names inside procedures/ that are not offices (catalog, links, ...).
RESERVED_PREFIX = "_"


class WatchSettings(NamedTuple):  # a named tuple: made by every command's configuration, lighter than a dataclass
    poll: bool = False
    interval: float = 1.0
    stable_seconds: float = 2.0
    rescan_seconds: float = 60.0


@dataclass(frozen=True)
class Config:
    """Everything that differs between agencies: names, offices, limits. Never constants in code."""

    agency: str = "Sở Lao động - Thương binh và Xã hội"
    parent_agency: str = "UBND tỉnh Lạng Sơn"
    province: str = "Lạng Sơn"
    offices: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_OFFICES))
    controller: str = DEFAULT_CONTROLLER
    limits: Limits = field(default_factory=Limits)
    field_offices: Mapping[str, str] = field(default_factory=dict)
    review_months: int = 12
    working_hours_per_day: float = 8.0  # [review] working_hours_per_day: a working day in the conformity checks
    git_remote: str = ""
    watch: WatchSettings = field(default_factory=WatchSettings)
    report: Mapping[str, object] = field(default_factory=dict)
    search_engine: str = "whoosh"  # [search] engine: whoosh or tantivy (the index is rebuilt when it changes)
    timezone: str = DEFAULT_TIMEZONE  # the IANA zone people read times in ([agency] timezone)

    @property
    def zone(self) -> dt.tzinfo:
        """The workspace's time zone (:attr:`timezone`), in which every face shows times."""
        return zone_of(self.timezone)

    def office_name(self, code: str) -> str:
        return self.offices.get(code, code)

    def office_order(self, offices: Iterable[str]) -> list[str]:
        """``offices`` in this configuration's order (see :func:`office_order`)."""
        return office_order(offices, self.offices)

    def resolve_office(self, typed: str) -> str | None:
        """The configured office code ``typed`` names, or None (see :func:`resolve_office`)."""
        return resolve_office(typed, self.offices)


def office_typed_key(typed: str) -> str:
    """The form an office code is compared in when a person types it: NFC, trimmed, diacritics
    folded (``Đ`` → ``D``) and lower case. Office codes are ASCII (``OFFICE_CODE``) and unique
    whatever their case, so ``ldvl``, ``LDVL`` and ``LĐVL`` all name the office ``LDVL``."""
    return fold_lower(nfc(typed).strip())


def resolve_office(typed: str, configured: Iterable[str]) -> str | None:
    """The code among ``configured`` that ``typed`` names (:func:`office_typed_key`), or None."""
    wanted = office_typed_key(typed)
    return next((code for code in configured if office_typed_key(code) == wanted), None)


def office_order(offices: Iterable[str], configured: Iterable[str]) -> list[str]:
    """``offices`` (each once) in the order of ``configured``; offices no longer configured
    (renamed, merged) come after, by code. Every list by office follows this order."""
    return sorted(set(offices), key=office_rank(configured))


def list_order(states: Iterable[ProcedureState], configured: Iterable[str]) -> list[ProcedureState]:
    """Procedures in the one order of every list: offices in the configuration's order, codes in
    their natural order (``core.labels.code_order``)."""
    rank = office_rank(configured)
    return sorted(states, key=lambda s: (rank(s.office), code_order(s.code)))



class ConfigError(WorkspaceError):
    """``doccontrol.toml`` holds values doccontrol cannot work with: every problem, one per line."""

    def __init__(self, path: Path, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__(
            f"Tệp cấu hình {path} có {len(problems)} lỗi:\n" + "\n".join(f"  - {vi}" for vi, _ in problems),
            f"The configuration {path} has {len(problems)} problem(s):\n" + "\n".join(f"  - {en}" for _, en in problems),
        )

    def render(self) -> str:
        lines = [f"Tệp cấu hình có {len(self.problems)} lỗi (the configuration has {len(self.problems)} problem(s)):"]
        lines += [f"  - {vi}\n    ({en})" for vi, en in self.problems]
        return "\n".join(lines)


_NAME_FORBIDDEN = lazy_pattern(r"[<>\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_TEXT_FORBIDDEN = lazy_pattern(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
MAX_NAME = 200


def office_code_problem(code: object) -> tuple[str, str] | None:
    """Why ``code`` cannot be an office code (folder, author e-mail, commit trailer), or None."""
    if isinstance(code, str) and OFFICE_CODE.fullmatch(code) and not code.startswith(RESERVED_PREFIX):
        return None
    return (f"Mã phòng {code!r} không hợp lệ: chỉ chữ cái không dấu, chữ số, '-' và '_', tối đa 32 ký tự.",
            f"Office code {code!r} is invalid: ASCII letters, digits, '-' and '_' only, at most 32 characters.")


def office_name_problem(code: str, name: object) -> tuple[str, str] | None:
    """Why ``name`` cannot be an office's name (it becomes a commit's author name), or None."""
    if not isinstance(name, str) or not name.strip():
        return (f"Tên phòng {code} phải là một chuỗi không rỗng.", f"The name of office {code} must be a non-empty string.")
    if _NAME_FORBIDDEN.search(name) or len(name) > MAX_NAME:
        return (f"Tên phòng {code} không được chứa '<', '>', xuống dòng hay ký tự điều khiển (tối đa {MAX_NAME} ký tự).",
                f"The name of office {code} may not contain '<', '>', line breaks or control characters "
                f"(at most {MAX_NAME} characters).")
    return None


class _Reader:
    """Reads the TOML data and collects every problem instead of stopping at the first."""

    def __init__(self, raw: Mapping[str, object]) -> None:
        self.raw = raw
        self.problems: list[tuple[str, str]] = []

    def problem(self, vi: str, en: str) -> None:
        self.problems.append((vi, en))

    def table(self, key: str) -> Mapping[str, object]:
        value = self.raw.get(key, {})
        if not isinstance(value, Mapping):
            self.problem(f"Mục [{key}] phải là một bảng.", f"[{key}] must be a table.")
            return {}
        return value

    def text(self, section: str, table: Mapping[str, object], key: str, default: str) -> str:
        value = table.get(key, default)
        if not isinstance(value, str) or _TEXT_FORBIDDEN.search(value):
            self.problem(f"[{section}] {key} phải là một dòng chữ (không xuống dòng, không ký tự điều khiển).",
                         f"[{section}] {key} must be one line of text (no line breaks or control characters).")
            return default
        return nfc(value)

    def number(self, section: str, table: Mapping[str, object], key: str, default: float, *,
               minimum: float, inclusive: bool = False, integer: bool = False) -> float:
        """A finite number above ``minimum`` (at or above it when ``inclusive``)."""
        value = table.get(key, default)
        try:
            number = float(value) if not isinstance(value, bool) else math.nan  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = math.nan
        whole = not integer or number.is_integer()
        if not math.isfinite(number) or not whole or number < minimum or (number == minimum and not inclusive):
            bound = f"≥ {minimum:g}" if inclusive else f"> {minimum:g}"
            kind_vi, kind_en = ("số nguyên", "a whole number") if integer else ("số", "a number")
            self.problem(f"[{section}] {key} = {value!r}: phải là {kind_vi} hữu hạn {bound}.",
                         f"[{section}] {key} = {value!r}: must be {kind_en}, finite, {bound}.")
            return default
        return number

    def flag(self, section: str, table: Mapping[str, object], key: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.problem(f"[{section}] {key} phải là true hoặc false.", f"[{section}] {key} must be true or false.")
            return default
        return value


def _offices(reader: _Reader) -> dict[str, str]:
    offices: dict[str, str] = {}
    seen: dict[str, str] = {}
    for code, name in reader.table("offices").items():
        problem = office_code_problem(code) or office_name_problem(code, name)
        if problem is None and code.lower() in seen:
            problem = (f"Mã phòng '{code}' trùng với '{seen[code.lower()]}' (không phân biệt hoa thường).",
                       f"Office code '{code}' is the same as '{seen[code.lower()]}' (case is not told apart).")
        if problem is not None:
            reader.problem(*problem)
            continue
        seen[code.lower()] = code
        offices[code] = nfc(str(name))
    if not offices and not reader.problems:
        reader.problem("Chưa khai báo phòng nào ([offices]).", "No office is declared ([offices]).")
    return offices


def _fields(reader: _Reader, offices: Mapping[str, str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, office in reader.table("fields").items():
        if not isinstance(office, str) or office not in offices:
            reader.problem(f"[fields] lĩnh vực «{name}» giao cho phòng {office!r}, không có trong [offices].",
                           f"[fields] the field {name!r} names the office {office!r}, which is not in [offices].")
            continue
        fields[nfc(str(name))] = office
    return fields


def _limits(reader: _Reader) -> Limits:
    t, d, mb = reader.table("limits"), Limits(), 2**20
    return Limits(
        max_bytes=int(reader.number("limits", t, "max_file_mb", d.max_bytes / mb, minimum=0) * mb),
        max_uncompressed=int(reader.number("limits", t, "max_uncompressed_mb", d.max_uncompressed / mb, minimum=0) * mb),
        max_ratio=reader.number("limits", t, "max_compression_ratio", d.max_ratio, minimum=1, inclusive=True),
        # A .docx has at least [Content_Types].xml, _rels/.rels and word/document.xml: fewer refuses every file.
        max_entries=int(reader.number("limits", t, "max_zip_entries", d.max_entries, minimum=3, inclusive=True,
                                      integer=True)),
        timeout_seconds=reader.number("limits", t, "extract_timeout_seconds", d.timeout_seconds, minimum=0),
        memory_mb=int(reader.number("limits", t, "extract_memory_mb", d.memory_mb, minimum=64, inclusive=True,
                                    integer=True)),
        ocr_page_seconds=reader.number("limits", t, "ocr_page_timeout_seconds", d.ocr_page_seconds, minimum=0),
        ocr_memory_mb=int(reader.number("limits", t, "ocr_memory_mb", d.ocr_memory_mb, minimum=64, inclusive=True,
                                        integer=True)),
        ocr_max_pages=int(reader.number("limits", t, "ocr_max_pages", d.ocr_max_pages, minimum=1, inclusive=True,
                                        integer=True)),
        ocr_language=reader.text("limits", t, "ocr_language", d.ocr_language),
        convert_seconds=reader.number("limits", t, "convert_timeout_seconds", d.convert_seconds, minimum=0),
        convert_memory_mb=int(reader.number("limits", t, "convert_memory_mb", d.convert_memory_mb, minimum=64,
                                            inclusive=True, integer=True)),
    )


def _watch(reader: _Reader) -> WatchSettings:
    t, d = reader.table("watch"), WatchSettings()
    return WatchSettings(
        poll=reader.flag("watch", t, "poll", d.poll),
        interval=reader.number("watch", t, "interval", d.interval, minimum=0),
        stable_seconds=reader.number("watch", t, "stable_seconds", d.stable_seconds, minimum=0, inclusive=True),
        rescan_seconds=reader.number("watch", t, "rescan_seconds", d.rescan_seconds, minimum=0),
    )


def _hours_per_day(reader: _Reader) -> float:
    """``[review] working_hours_per_day``: the working hours of a working day (default 8, at most 24)."""
    hours = reader.number("review", reader.table("review"), "working_hours_per_day", 8.0, minimum=0)
    if hours > 24:
        reader.problem(f"[review] working_hours_per_day = {hours:g}: một ngày không quá 24 giờ.",
                       f"[review] working_hours_per_day = {hours:g}: a day has at most 24 hours.")
        return 8.0
    return hours


SEARCH_ENGINES = ("whoosh", "tantivy")


def _engine(reader: _Reader) -> str:
    engine = reader.text("search", reader.table("search"), "engine", "whoosh")
    if engine not in SEARCH_ENGINES:
        reader.problem(f"[search] engine = {engine!r}: chỉ có {', '.join(SEARCH_ENGINES)}.",
                       f"[search] engine = {engine!r}: one of {', '.join(SEARCH_ENGINES)}.")
        return "whoosh"
    return engine


def _timezone(reader: _Reader, agency: Mapping[str, object]) -> str:
    name = reader.text("agency", agency, "timezone", DEFAULT_TIMEZONE)
    try:
        zone_of(name)
    except ValueError:
        reader.problem(f"[agency] timezone = {name!r}: không phải múi giờ (ví dụ \"{DEFAULT_TIMEZONE}\").",
                       f"[agency] timezone = {name!r} is not a time zone (e.g. \"{DEFAULT_TIMEZONE}\").")
        return DEFAULT_TIMEZONE
    return name


def parse_config(raw: Mapping[str, object], path: Path = Path(CONFIG_NAME)) -> Config:
    """Validate the TOML data into a Config (pure). ConfigError (exit 2) lists every problem."""
    reader = _Reader(raw)
    agency = reader.table("agency")
    offices = _offices(reader)
    controller = reader.text("agency", agency, "controller", DEFAULT_CONTROLLER)
    if offices and controller not in offices:
        reader.problem(f"Phòng kiểm soát tài liệu '{controller}' không có trong [offices].",
                       f"The document controller office '{controller}' is not one of the [offices].")
    config = Config(
        agency=reader.text("agency", agency, "name", Config.agency),
        parent_agency=reader.text("agency", agency, "parent", Config.parent_agency),
        province=reader.text("agency", agency, "province", Config.province),
        offices=offices,
        controller=controller,
        limits=_limits(reader),
        field_offices=_fields(reader, offices),
        review_months=int(reader.number("review", reader.table("review"), "months", 12, minimum=1, inclusive=True,
                                        integer=True)),
        working_hours_per_day=_hours_per_day(reader),
        git_remote=reader.text("git", reader.table("git"), "remote", ""),
        watch=_watch(reader),
        report=dict(reader.table("report")),
        search_engine=_engine(reader),
        timezone=_timezone(reader, agency),
    )
    if reader.problems:
        raise ConfigError(path, reader.problems)
    return config


def orphan_owners(config: Config, owners: Iterable[str]) -> dict[str, int]:
    """Office codes that own procedures but are no longer in [offices] (renamed, merged), with how
    many each owns: only the document controller may revise or withdraw those procedures."""
    counts: dict[str, int] = {}
    for owner in owners:
        if owner not in config.offices:
            counts[owner] = counts.get(owner, 0) + 1
    return dict(sorted(counts.items()))


def orphan_owner_messages(config: Config, orphans: Mapping[str, int]) -> list[tuple[str, str]]:
    """What to tell the administrator about :func:`orphan_owners` (Vietnamese, English)."""
    return [
        (f"Mã phòng {code} không còn trong [offices] nhưng vẫn sở hữu {count} quy trình: chỉ phòng kiểm soát "
         f"tài liệu ({config.controller}) sửa đổi hay bãi bỏ được chúng. Nếu phòng đổi mã, hãy khai báo lại "
         f"mã {code} trong [offices] (có thể với tên mới).",
         f"Office code {code} is no longer in [offices] but owns {count} procedure(s): only the document "
         f"controller ({config.controller}) can revise or withdraw them. If the office was renamed, declare "
         f"the code {code} again in [offices] (with the new name).")
        for code, count in orphans.items()
    ]


_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_str(value: str) -> str:
    """A TOML basic string holding ``value`` exactly (control characters escaped)."""
    out = []
    for ch in value:
        if ch in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_str(key)


def render_config(
    offices: Mapping[str, str],
    controller: str,
    agency: str = Config.agency,
    parent_agency: str = Config.parent_agency,
    province: str = Config.province,
    field_offices: Mapping[str, str] | None = None,
) -> str:
    """The text of a new ``doccontrol.toml``, commented for the people who will edit it."""
    limits = Limits()
    lines = [
        "# doccontrol workspace configuration. Agency, offices and fields are configuration:",
        "# when departments merge or rename, edit this file (the history stays in procedures/).",
        "",
        "[agency]",
        f"name = {_toml_str(nfc(agency))}",
        f"parent = {_toml_str(nfc(parent_agency))}",
        f"province = {_toml_str(nfc(province))}",
        "# The office that keeps the controlled set and may revise any office's procedure.",
        f"controller = {_toml_str(controller)}",
        "# The time zone people read times in (quarantine reasons, status, the web view).",
        f"timezone = {_toml_str(DEFAULT_TIMEZONE)}",
        "",
        "# One inbox folder per office: inbox/<CODE>/",
        "[offices]",
    ]
    lines += [f"{_toml_key(code)} = {_toml_str(nfc(name))}" for code, name in offices.items()]
    lines += [
        "",
        "# Fields (lĩnh vực) of the TTHC catalog and the office responsible for each: set them with",
        "# `doccontrol fields assign \"Việc làm\" LDVL` (kept in the repository, with history). Entries",
        "# here still count, for the fields the repository does not map.",
        "[fields]",
    ]
    lines += [f"{_toml_key(nfc(name))} = {_toml_str(code)}" for name, code in (field_offices or {}).items()]
    lines += [
        "",
        "[limits]",
        f"max_file_mb = {limits.max_bytes // 2**20}",
        f"max_uncompressed_mb = {limits.max_uncompressed // 2**20}",
        f"max_compression_ratio = {limits.max_ratio:g}",
        f"max_zip_entries = {limits.max_entries}",
        f"extract_timeout_seconds = {limits.timeout_seconds:g}",
        f"extract_memory_mb = {limits.memory_mb}",
        f"ocr_page_timeout_seconds = {limits.ocr_page_seconds:g}  # scans: per page",
        f"ocr_memory_mb = {limits.ocr_memory_mb}",
        f"ocr_max_pages = {limits.ocr_max_pages}",
        f"ocr_language = {_toml_str(limits.ocr_language)}  # Tesseract data (tesseract-ocr-vie)",
        f"convert_timeout_seconds = {limits.convert_seconds:g}  # .doc/.odt/.rtf through LibreOffice",
        f"convert_memory_mb = {limits.convert_memory_mb}",
        "",
        "[watch]",
        "poll = false            # true for SMB/CIFS/NFS shares, where native events never fire",
        "interval = 1.0          # seconds between polls",
        "stable_seconds = 2.0    # a file must stay unchanged this long before it is ingested",
        "rescan_seconds = 60.0   # full rescan of the inbox (events are a hint, not the truth)",
        "",
        "[review]",
        "months = 12",
        "working_hours_per_day = 8  # a working day in the deadline checks (8 giờ làm việc = 1 ngày làm việc)",
        "",
        "[search]",
        'engine = "whoosh"       # or "tantivy" (the index is rebuilt at the next search when it changes)',
        "",
        "[git]",
        '# remote = "https://git.example.invalid/so-ldtbxh/procedures.git"',
        "",
    ]
    return "\n".join(lines)
