"""``doccontrol demo``: a whole workspace from generated sample procedures, end to end."""

from __future__ import annotations

import dataclasses
import shlex
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from doccontrol import service, workspace
from doccontrol.cli.app import main, say
from doccontrol.cli.ingest import describe, summary
from doccontrol.core.labels import shorten, text_origin
from doccontrol.errors import UsageError

if TYPE_CHECKING:
    from doccontrol.core.model import Outcome
    from doccontrol.demo.samples import ProcedureSpec
    from doccontrol.workspace import Workspace

DEMO_MARKER = ".doccontrol-demo"
DEMO_OFFICES = {
    "VP": "Văn phòng",
    "LDVL": "Phòng Lao động - Việc làm",
    "NCC": "Phòng Người có công",
    "BTXH": "Phòng Bảo trợ xã hội",
}


# TTHC of the demo catalog that no demo procedure handles yet: the coverage gap to show.
UNCOVERED_DEMO_TTHC = (
    ("1.000459", "Cấp lại giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "Việc làm"),
    ("1.002271", "Hỗ trợ người lao động chấm dứt hợp đồng lao động do doanh nghiệp không có khả năng chi trả", "Việc làm"),
)


def demo_catalog_csv(specs: list[ProcedureSpec]) -> str:
    """A provincial decision's TTHC list as a clerk would export it (sections by field)."""
    rows: dict[str, list[tuple[str, str]]] = {}
    for spec in specs:
        for number, code in enumerate(spec.tthc):
            name = spec.title if number == 0 else "Hỗ trợ học nghề cho người lao động đang hưởng trợ cấp thất nghiệp"
            rows.setdefault(spec.field, []).append((code, name))
    for code, name, field in UNCOVERED_DEMO_TTHC:
        rows.setdefault(field, []).append((code, name))
    lines = [
        "DANH MỤC THỦ TỤC HÀNH CHÍNH THUỘC PHẠM VI CHỨC NĂNG QUẢN LÝ CỦA SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI,,,,,",
        "(Ban hành kèm theo Quyết định số 345/QĐ-UBND ngày 12/3/2024 của Chủ tịch UBND tỉnh Lạng Sơn),,,,,",
        "STT,Mã TTHC,Tên thủ tục hành chính,Lĩnh vực,Cấp thực hiện,Ghi chú",
    ]
    number = 0
    for section, (field, entries) in enumerate(sorted(rows.items()), 1):
        lines.append(f"{'IVX'[section - 1] if section <= 3 else section}. Lĩnh vực {field},,,,,")
        for code, name in dict(entries).items():
            number += 1
            lines.append(f'{number},{code}.000.00.00.H37,"{name}",{field},Cấp tỉnh,')
    lines.append(f"Tổng cộng: {number} thủ tục,,,,,")
    return "\n".join(lines) + "\n"


def _heading(text: str) -> None:
    click.echo("")
    click.secho(f"== {text}", bold=True)


def _build(spec: ProcedureSpec, folder: Path, number: int) -> Path:
    from doccontrol.demo.samples import build_docx, build_pdf

    kind = "pdf" if number % 3 == 2 else "docx"
    name = f"{spec.code.replace('/', '-')} lần {spec.revision}.{kind}"
    target = folder / name
    (build_pdf if kind == "pdf" else build_docx)(spec, target)
    return target


def _clear_earlier_demo(directory: Path, force: bool) -> None:
    """Remove an earlier demo (or, with ``force``, a workspace) at ``directory``; refuse anything else."""
    if not (directory.exists() and any(directory.iterdir())):
        return
    earlier_demo = (directory / DEMO_MARKER).is_file() and (directory / workspace.CONFIG_NAME).is_file()
    if not (earlier_demo or (force and (directory / workspace.CONFIG_NAME).is_file())):
        raise UsageError(
            f"Thư mục {directory} đã có dữ liệu.",
            f"{directory} is not empty and is not an earlier demo. Use another --dir "
            "(or --force to replace a workspace there).",
        )
    say(f"Tạo lại bản demo trước tại {directory} (rebuilding the earlier demo workspace)")
    shutil.rmtree(directory)


def _create_workspace(directory: Path, specs: list[ProcedureSpec]) -> Workspace:
    """A workspace with the offices and fields of the sample procedures, marked as a demo."""
    offices = {code: DEMO_OFFICES.get(code, code) for code in ["VP", *sorted({s.office for s in specs})]}
    fields = {s.field: s.office for s in specs if s.field}
    ws = service.init(directory, offices, field_offices=fields)
    (ws.root / DEMO_MARKER).write_text("doccontrol demo workspace: `doccontrol demo` may replace it\n", encoding="utf-8")
    say(f"Không gian làm việc mẫu: {ws.root}  (demo workspace)")
    return ws


def _split_first_and_later(specs: list[ProcedureSpec]) -> tuple[list[ProcedureSpec], list[ProcedureSpec]]:
    """(first revisions, later revisions of codes already among the first)."""
    initial: list[ProcedureSpec] = []
    later: list[ProcedureSpec] = []
    for spec in specs:
        (later if any(s.code == spec.code for s in initial) else initial).append(spec)
    return initial, later


SCANNED = "QT-02/VP"  # the procedure the demo drops as a scan (its first page), where OCR is installed


def _drop_and_ingest(ws: Workspace, specs: list[ProcedureSpec]) -> list[Outcome]:
    scanning = not service.ocr_missing_packages(ws)
    for number, spec in enumerate(specs):
        if scanning and spec.code == SCANNED:
            from doccontrol.demo.scans import can_build_scans, scan_pdf

            if can_build_scans():
                name = f"{spec.code.replace('/', '-')}_lan-{spec.revision}.pdf"
                scan_pdf(spec, ws.inbox / spec.office / name, pages=(1,), angle=1.5)
                continue
        _build(spec, ws.inbox / spec.office, number)
    return service.ingest(ws, [(item, False) for item in service.inbox_items(ws)])


def _step_first_drops(ws: Workspace, initial: list[ProcedureSpec]) -> None:
    _heading("1. Các phòng gửi quy trình vào thư mục nhận (offices drop their procedures)")
    outcomes = _drop_and_ingest(ws, initial)
    for outcome in outcomes:
        click.echo(describe(outcome))
    click.echo(summary(outcomes))
    scans = [s for s in service.procedures(ws) if s.text_source == "ocr"]
    for state in scans:
        for note_vi, note_en in text_origin(state.text_source, state.ocr_confidence, state.legacy_encoding,
                                            state.identity_source):
            click.echo(f"  {state.code} (bản scan / a scan): {note_vi} ({note_en})")
    if not scans:
        missing = service.ocr_missing_packages(ws)
        if missing:
            click.echo(f"  (Không có bản scan: chưa cài OCR — apt-get install {' '.join(missing)}; "
                       "no scan in this demo: OCR is not installed)")


def _step_new_revisions(ws: Workspace, initial: list[ProcedureSpec], later: list[ProcedureSpec]) -> None:
    _heading("2. Ban hành lần mới (a new revision arrives)")
    for number, spec in enumerate(later):
        _build(spec, ws.inbox / spec.office, number)
    # A clerk edits a procedure but forgets to raise "Lần ban hành": refused, with the reason.
    forgotten = dataclasses.replace(
        initial[0], body_paragraphs=(*initial[0].body_paragraphs, "Sửa đổi thời hạn giải quyết hồ sơ.")
    )
    _build(forgotten, ws.inbox / forgotten.office, 0).rename(ws.inbox / forgotten.office / "Bản sửa chưa tăng lần ban hành.docx")
    for outcome in service.ingest(ws, [(item, False) for item in service.inbox_items(ws)]):
        click.echo(describe(outcome))


def _step_master_list(ws: Workspace) -> str:
    """Print the master list as ``list`` does; returns the first code on it (for the hints)."""
    from doccontrol.cli.read import master_table

    _heading("3. Danh mục tài liệu hiện hành (master list)")
    ml = service.master_list(ws)
    click.echo(master_table(ml))
    return ml.groups[0].entries[0].code if ml.groups else "QT-01"


def _step_diff(ws: Workspace, later: list[ProcedureSpec]) -> None:
    code = later[0].code
    _heading(f"4. Thay đổi giữa hai lần ban hành của {code} (revision diff)")
    click.echo(service.diff(ws, code).rstrip())


def _step_search(ws: Workspace) -> None:
    from doccontrol.search import SearchRequest

    _heading("5. Tìm kiếm không dấu: 'tro cap that nghiep' (search without diacritics)")
    for number, hit in enumerate(service.search(ws, SearchRequest("tro cap that nghiep", limit=3)).hits, 1):
        click.echo(f"  {number}. {hit.code} — {shorten(hit.title, 60)} (lần {hit.revision})")


def _step_coverage(ws: Workspace, specs: list[ProcedureSpec], initial: list[ProcedureSpec]) -> None:
    from doccontrol.reports import coverage_report

    _heading("6. Kiểm tra 100% TTHC có quy trình (coverage)")
    catalog_file = ws.root / "danh-muc-tthc-345-QD-UBND.csv"
    catalog_file.write_text(demo_catalog_csv(specs), encoding="utf-8-sig")
    imported = service.tthc.import_catalog(ws, catalog_file)
    click.echo(f"  Đã nhập danh mục {catalog_file.name}: {imported.rows} TTHC ({imported.decision})")
    internal = [s.code for s in initial if not s.tthc]  # document control, internal audit, ...
    for code in internal:
        service.tthc.change_links(ws, code, (), add=True, internal=True)
    click.echo("  Quy trình nội bộ (không gắn TTHC): " + ", ".join(internal))
    result = service.coverage(ws)
    click.echo(coverage_report.render_text(result.report, result.context).rstrip())


def _step_quarantine(ws: Workspace) -> None:
    _heading("7. Tệp bị cách ly và lý do (quarantine)")
    for reason in sorted(ws.quarantine.rglob("*.reason.txt")):
        click.echo(f"{reason.relative_to(ws.root)}:")
        click.echo("  " + "\n  ".join(reason.read_text(encoding="utf-8").strip().splitlines()[:6]))


def program(argv0: str, on_path: str | None, executable: str) -> str:
    """How to call doccontrol again from a shell where its virtual environment is not active:
    ``doccontrol`` when that name finds this very program, else its full path (``…/.venv/bin/doccontrol``),
    else ``…/.venv/bin/python -m doccontrol`` (run as ``python -m doccontrol``)."""
    started = Path(argv0)
    if started.name == "doccontrol" and started.is_file():
        if on_path is not None and Path(on_path).absolute() == started.absolute():
            return "doccontrol"
        return shlex.quote(str(started.absolute()))
    return f"{shlex.quote(executable)} -m doccontrol"


def _step_next(ws: Workspace, first_code: str) -> None:
    _heading("Tiếp theo (next)")
    me = program(sys.argv[0], shutil.which("doccontrol"), sys.executable)
    click.echo(f"  cd {shlex.quote(str(ws.root))}")
    click.echo(f"  {me} list                 # danh mục tài liệu (master list)")
    click.echo(f"  {me} show {shlex.quote(first_code)}")
    click.echo(f"  {me} watch                # theo dõi thư mục inbox/ và tự tiếp nhận (watch the inbox)")


@main.command(workspace=False)
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=Path("doccontrol-demo"), show_default=True, help="Where to build the demo workspace.")
@click.option("--force", is_flag=True, help="Replace an existing demo workspace at --dir.")
def demo(directory: Path, force: bool) -> None:
    """Build a demo workspace from generated sample procedures and run the pipeline on it."""
    from doccontrol.demo.samples import demo_specs

    directory = directory.expanduser().resolve()
    _clear_earlier_demo(directory, force)
    specs = demo_specs()
    ws = _create_workspace(directory, specs)
    initial, later = _split_first_and_later(specs)
    _step_first_drops(ws, initial)
    if later:
        _step_new_revisions(ws, initial, later)
    first_code = _step_master_list(ws)
    if later:
        _step_diff(ws, later)
    _step_search(ws)
    _step_coverage(ws, specs, initial)
    _step_quarantine(ws)
    _step_next(ws, first_code)
