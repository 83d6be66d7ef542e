"""Benchmark: OCR of scanned procedures, seconds per page, and an ingest of many scanned pages.

    python bench/ocr.py [--pages 50] [--per-file 5] [--keep DIR]

Builds scans of the sample procedures (``doccontrol.demo.scans``: rendered at 300 dpi, rotated
1-3°, speckled, stamped), then

1. reads one page in this process's OCR code path (render, straighten, Tesseract ``vie``) and
   prints the seconds it took (one page, one Tesseract process);
2. ingests ``--pages`` scanned pages (``--per-file`` pages per file, each file named
   ``<code>_lan-<N>.pdf``) through ``doccontrol ingest --inbox``, the real CLI in a subprocess,
   whose progress (one line per page read) is shown as it comes, and prints the wall time, the
   seconds per page and what was filed.

Needs tesseract-ocr, tesseract-ocr-vie and poppler-utils. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from doccontrol.core.model import Limits
from doccontrol.demo.samples import demo_specs
from doccontrol.demo.scans import scan_pdf
from doccontrol.extract.ocr import missing_packages, read_page

OFFICES = {"VP": "Văn phòng", "LDVL": "Phòng Lao động - Việc làm", "NCC": "Phòng Người có công",
           "BTXH": "Phòng Bảo trợ xã hội"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--per-file", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    args = parser.parse_args()
    missing = missing_packages("vie")
    if missing:
        print(f"OCR is not installed: apt-get install {' '.join(missing)}", file=sys.stderr)
        return 2
    base = args.keep or Path(tempfile.mkdtemp(prefix="doccontrol-bench-ocr-"))
    files = base / "files"
    files.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    specs = demo_specs()
    scans: list[Path] = []
    pages_left, number = args.pages, 0
    while pages_left > 0:
        spec = specs[number % len(specs)]
        spec = dataclasses.replace(spec, code=f"QT-{100 + number}/BENCH", office="LDVL",
                                   body_paragraphs=("Nội dung bổ sung để tài liệu dài hơn. " * 60,) * 12)  # 7 pages
        count = min(args.per_file, pages_left)
        scans.append(scan_pdf(spec, files / f"QT-{100 + number}-BENCH_lan-{spec.revision}.pdf",
                              pages=tuple(range(1, count + 1)), angle=1.0 + (number % 3), seed=number))
        pages_left -= count
        number += 1
    print(f"built {len(scans)} scans, {args.pages} pages, in {time.monotonic() - started:.1f} s")

    os.environ["OMP_THREAD_LIMIT"] = "1"
    started = time.monotonic()
    page = read_page(scans[0], 1, 300, "vie", Limits().ocr_page_seconds)
    one = time.monotonic() - started
    print(f"one page (render, straighten, Tesseract vie, one process): {one:.1f} s, "
          f"{len(page.words)} words, mean confidence {page.mean:.1f}")

    home = base / "ws"
    init = [sys.executable, "-m", "doccontrol", "init", str(home)]
    for code, name in OFFICES.items():
        init += ["--office", f"{code}={name}"]
    subprocess.run(init, check=True, capture_output=True)
    for scan in scans:
        shutil.copy(scan, home / "inbox" / "LDVL" / scan.name)
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "doccontrol", "--home", str(home), "ingest", "--inbox", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:  # the progress, as a clerk sees it
        print("  | " + line.rstrip())
    out = proc.stdout.read() if proc.stdout else ""
    proc.wait()
    wall = time.monotonic() - started
    records = json.loads(out or "[]")
    filed = sum(1 for r in records if r["status"] == "ingested")
    print(f"ingest of {args.pages} scanned pages in {len(scans)} files: {wall:.1f} s, "
          f"{wall / args.pages:.2f} s per page on {os.cpu_count()} CPUs; {filed} filed, "
          f"{len(records) - filed} not ({sorted({str(r['cause']) for r in records if r['status'] != 'ingested'})})")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
