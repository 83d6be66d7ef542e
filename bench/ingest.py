"""Benchmark: ingest N generated procedures, against bare text extraction of the same files.

    python bench/ingest.py [--n 1000] [--pdf-share 0.2] [--keep DIR]

Prints, in one run: the time to extract the text of every file in-process (the floor: what any
tool must spend reading the documents), the time of the whole ingest (staging, validation, the
sandboxed extraction, metadata, decision, git commit and tag, inbox clean-up), their ratio
(target: ingest ≤ 2 × extraction), and peak memory of this process and of its children
(the extraction worker and git). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from doccontrol import service
from doccontrol.extract import extract_file
from doccontrol.demo.samples import build_docx, build_pdf, generated_specs

OFFICES = {"VP": "Văn phòng", "LDVL": "Phòng Lao động - Việc làm", "NCC": "Phòng Người có công",
           "BTXH": "Phòng Bảo trợ xã hội"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--pdf-share", type=float, default=0.2, help="share of the files built as PDF")
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    args = parser.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="doccontrol-bench-"))
    files_dir = base / "files"
    files_dir.mkdir(parents=True, exist_ok=True)
    specs = generated_specs(args.n, seed=1, offices=tuple(OFFICES))
    started = time.perf_counter()
    files: list[tuple[Path, str, str]] = []
    pdf_every = round(1 / args.pdf_share) if args.pdf_share > 0 else 0
    for number, spec in enumerate(specs):
        kind = "pdf" if pdf_every and number % pdf_every == 0 else "docx"
        path = files_dir / spec.office / f"{number:05d}.{kind}"
        path.parent.mkdir(exist_ok=True)
        (build_pdf if kind == "pdf" else build_docx)(spec, path)
        files.append((path, kind, spec.office))
    print(f"built {len(files)} files ({sum(k == 'pdf' for _, k, _ in files)} pdf) in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)

    # The floor: bare extraction of the same files, in this process.
    started = time.perf_counter()
    for path, kind, _ in files:
        extract_file(path, kind)
    extraction = time.perf_counter() - started

    def run(name: str, index: bool) -> tuple[float, dict[str, int]]:
        ws = service.init(base / name, OFFICES)
        for path, _, office in files:
            shutil.copyfile(path, ws.inbox / office / path.name)
        started = time.perf_counter()
        outcomes = service.ingest(ws, [(item, False) for item in service.inbox_items(ws)], index=index)
        elapsed = time.perf_counter() - started
        return elapsed, {s: sum(o.status == s for o in outcomes) for s in ("ingested", "duplicate", "quarantined")}

    ingest, statuses = run("ws", index=False)
    indexed, statuses_indexed = run("ws-indexed", index=True)

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"files:                 {len(files)}  {statuses}")
    print(f"bare extraction:       {extraction:8.2f} s  ({1000 * extraction / len(files):.1f} ms/file)")
    print(f"whole ingest:          {ingest:8.2f} s  ({1000 * ingest / len(files):.1f} ms/file)"
          "  stage, validate, sandboxed extract, metadata, decide, durable commit + tag, clean-up")
    print(f"ratio ingest/extract:  {ingest / extraction:8.2f}  (target ≤ 2.0)")
    print(f"ingest + search index: {indexed:8.2f} s  ({1000 * indexed / len(files):.1f} ms/file)"
          f"  ratio {indexed / extraction:.2f}  {statuses_indexed}")
    print(f"peak memory:           {own:8.1f} MB this process, {children:.1f} MB largest child")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0 if statuses["ingested"] == statuses_indexed["ingested"] == len(files) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
