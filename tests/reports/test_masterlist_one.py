"""One master list: `list`, `list --format text|csv|json`, the demo and the web page show the same
procedures in the same order, built once by reports/masterlist."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from support.workspace import run

from doccontrol.core.config import Config
from doccontrol.core.model import ProcedureState
from doccontrol.reports import masterlist
from doccontrol.web import create_app

CODE = re.compile(r"^\s*\|?\s*\d+\s+\|?\s*(\S+)")


def state(code: str, office: str, status: str = "current") -> ProcedureState:
    return ProcedureState(code=code, code_key=code.lower(), slug=code.lower(), office=office, title=f"Quy trình {code}",
                          revision=1, status=status, sha256="", text_sha256="", source="", ext="docx")


def config(offices: dict[str, str]) -> Config:
    return Config(offices=offices)


def test_groups_follow_the_configuration_then_codes_in_numeric_order() -> None:
    states = [state("QT-10", "NCC"), state("QT-2", "NCC"), state("QT-1", "OLD"), state("QT-3", "VP"),
              state("QT-4", "VP", "withdrawn")]
    groups = masterlist.master_groups(states, config({"VP": "Văn phòng", "NCC": "Phòng Người có công"}))
    assert [(g.office, [e.code for e in g.entries]) for g in groups] == [
        ("VP", ["QT-3"]), ("NCC", ["QT-2", "QT-10"]), ("OLD", ["QT-1"])]
    assert groups[0].name == "Văn phòng"
    every = masterlist.master_groups(states, config({"VP": "Văn phòng"}), office="VP", status=masterlist.ALL)
    assert [[e.code for e in g.entries] for g in every] == [["QT-3", "QT-4"]]


def plain_list_codes(home: Path, *args: str) -> list[str]:
    result = run(home, "list", *args)
    assert result.exit_code == 0, result.output
    return [m.group(1) for line in result.stdout.splitlines() if (m := CODE.match(line))]


def csv_codes(home: Path, *args: str) -> list[str]:
    data = run(home, "list", "--format", "csv", *args).stdout_bytes.decode("utf-8-sig")
    heading = "Mã hiệu (code)"
    rows = list(csv.reader(io.StringIO(data)))
    start = next(i for i, r in enumerate(rows) if heading in r)
    return [r[rows[start].index(heading)] for r in rows[start + 1:] if r]


@pytest.mark.parametrize("args", [(), ("--status", "all"), ("--status", "withdrawn"), ("--office", "LDVL")])
def test_plain_list_text_format_csv_and_web_page_agree(story: Path, args: tuple[str, ...]) -> None:
    listed = plain_list_codes(story, *args)
    assert listed, args
    assert plain_list_codes(story, "--format", "text", *args) == listed
    assert csv_codes(story, *args) == listed
    query = "&".join(f"{k.lstrip('-')}={v}" for k, v in zip(args[::2], args[1::2]))
    html = create_app(story, testing=True).test_client().get(f"/list?{query}").get_data(as_text=True)
    assert re.findall(r'<td class="nowrap"><a href="/procedure/[^"]*">([^<]*)</a></td>', html) == listed
