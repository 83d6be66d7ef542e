"""Documents as they print: LibreOffice converts them to PDF, poppler reads the PDF back (page
sizes, words) and draws PNGs of the first pages for a person to look at.

Also a script: ``python tests/support/printed.py HOME OUTDIR`` writes the printed yearly report,
master list (docx and xlsx) and coverage table of the workspace HOME, their PDFs and the PNGs of
their first pages into OUTDIR (how ``docs/img/`` was made, from the demo workspace).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

A4_POINTS = (595.3, 841.9)


def tools() -> tuple[str, str, str, str] | None:
    """soffice, pdftoppm, pdftotext, pdfinfo; None when one of them is missing."""
    found = (shutil.which("soffice") or shutil.which("libreoffice"), shutil.which("pdftoppm"),
             shutil.which("pdftotext"), shutil.which("pdfinfo"))
    return None if not all(found) else found  # type: ignore[return-value]


def calc_installed() -> bool:
    """Whether LibreOffice Calc (which converts .xlsx) is installed beside Writer."""
    found = tools()
    return found is not None and any(Path(found[0]).resolve().parent.glob("libscfilt*"))


def to_pdf(files: Iterable[Path], outdir: Path, profile: Path) -> None:
    """Convert ``files`` (docx, xlsx) to PDF in ``outdir``, in one LibreOffice run. The profile is
    named by a real file URL (a space, '#' or '%' pasted after "file://" makes soffice abort)."""
    soffice = tools()[0]  # type: ignore[index]
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
                    "--outdir", str(outdir), *map(str, files)],
                   check=True, capture_output=True, timeout=300, stdin=subprocess.DEVNULL)


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Every page's (width, height) in points."""
    info = subprocess.run([tools()[3], "-f", "1", "-l", "9999", str(pdf)], check=True, capture_output=True,  # type: ignore[index]
                          text=True, timeout=60).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info, re.M)]


def is_a4(size: tuple[float, float]) -> bool:
    """Portrait or landscape A4, to a point."""
    return all(abs(a - b) < 2 for a, b in zip(sorted(size), A4_POINTS))


def pdf_words(pdf: Path) -> Counter[str]:
    """The words of the PDF as poppler reads them, each with how often it occurs (``-raw``: its
    default mode joins a word that ends a line with a hyphen to the next line's first)."""
    text = subprocess.run([tools()[2], "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,  # type: ignore[index]
                          text=True, timeout=60).stdout
    return Counter(text.split())


def broken_words(source_words: Counter[str], cell_words: Iterable[str], pdf: Path) -> list[str]:
    """Words of table cells that the PDF holds fewer times than the source: each is broken
    across lines somewhere (``Phòn`` / ``g``), or lost."""
    printed = pdf_words(pdf)
    return sorted({w for w in cell_words if printed[w] < source_words[w]})


def first_pages_png(pdf: Path, outdir: Path, stem: str, pages: int = 1, dpi: int = 60) -> list[Path]:
    """PNGs of the first ``pages`` pages (``stem-1.png``, ...), for a person to look at."""
    subprocess.run([tools()[1], "-r", str(dpi), "-png", "-f", "1", "-l", str(pages), str(pdf),  # type: ignore[index]
                    str(outdir / stem)], check=True, capture_output=True, timeout=120)
    return sorted(outdir.glob(f"{stem}-*.png"))


def docx_words(path: Path) -> tuple[Counter[str], list[str]]:
    """(every word of the document with its count, the words of its table cells)."""
    import docx

    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    cells: list[str] = []
    for table in document.tables:
        for row in table.rows:
            seen: set[int] = set()
            for cell in row.cells:
                if id(cell._tc) in seen:  # a merged cell is listed once per column it spans
                    continue
                seen.add(id(cell._tc))
                cells += [p.text for p in cell.paragraphs]
    return Counter(" ".join(texts + cells).split()), " ".join(cells).split()


def xlsx_words(path: Path) -> tuple[Counter[str], list[str]]:
    """(every word of the text cells with its count, the same words): in a sheet every cell is one."""
    import openpyxl

    book = openpyxl.load_workbook(str(path))
    words = [w for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
             if isinstance(v, str) for w in v.split()]
    return Counter(words), words


def write_reports(home: Path, outdir: Path, runner: Callable[..., object] | None = None) -> dict[str, Path]:
    """The workspace's printed documents, written by the CLI as a person would: in this process
    through ``runner(home, *args)`` (the tests' ``support.workspace.run``), else as a subprocess."""
    outdir.mkdir(parents=True, exist_ok=True)
    targets = {"bao-cao-nam": ["report", "--year", "2024", "--date", "2024-11-05"],
               "danh-muc": ["list"], "danh-muc-xlsx": ["list"], "do-phu-tthc": ["coverage", "--format", "xlsx"]}
    suffix = {"danh-muc-xlsx": ".xlsx", "do-phu-tthc": ".xlsx"}
    files = {}
    for stem, args in targets.items():
        out = outdir / f"{stem}{suffix.get(stem, '.docx')}"
        if runner is not None:
            runner(home, *args, "-o", str(out))
        else:
            subprocess.run([sys.executable, "-m", "doccontrol", "--home", str(home), *args, "-o", str(out)],
                           check=False, capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
        files[stem] = out
    return files


if __name__ == "__main__":
    workspace, target = Path(sys.argv[1]), Path(sys.argv[2])
    written = write_reports(workspace, target)
    to_pdf(written.values(), target, target / "lo-profile")
    for name in written:
        for png in first_pages_png(target / f"{name}.pdf", target, name, pages=2, dpi=70):
            print(png)
