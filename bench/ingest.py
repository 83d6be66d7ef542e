"""Benchmark: ingest N generated procedures, against bare text extraction of the same files.

    python bench/ingest.py [--n 1000] [--pdf-share 0.2] [--keep DIR]
    python bench/ingest.py --base /tmp/b15/ws20k [--base-n 20000] [--base-seed 11] [--revisions 0.2]

Prints, in one run: the time to extract the text of every file in-process (the floor: what any
tool must spend reading the documents), the time of the whole ingest (staging, validation, the
sandboxed extraction, metadata, decision, git commit and tag, inbox clean-up), their ratio
(target: ingest ≤ 2 × extraction into an empty workspace; ≤ 3 × into one that holds 20,000
procedures, issue 15), where the time of each ingest went (the stages, timed in this process:
a stage that waits for a child, the extraction worker or git, counts its wait), and peak memory
of this process and of its children (the extraction worker and git).

``--base DIR``: ingest into a copy of that pre-built workspace (``bench/web.py``'s builder:
``--base-n`` procedures generated with ``--base-seed``; the copy is made before the clock starts
and is never the workspace itself). The files are then the procedures that come after the base's
in the same generated sequence (new codes), and a share ``--revisions`` of them the next revision
of one of the base's procedures. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from doccontrol import service
from doccontrol.demo.samples import ProcedureSpec, build_docx, build_pdf, generated_specs
from doccontrol.extract import extract_file
from doccontrol.workspace import load

OFFICES = {"VP": "Văn phòng", "LDVL": "Phòng Lao động - Việc làm", "NCC": "Phòng Người có công",
           "BTXH": "Phòng Bảo trợ xã hội"}


class StageClock:
    """Wall time spent inside named functions of the pipeline (wrapped in place, unwrapped after)."""

    # (label, module, attribute path): the function is looked up at call time where it is patched.
    STAGES = (
        ("read: stage, validate, extract, metadata", "doccontrol.ingest.prepare", "Reading.read"),
        ("  of which sandboxed extraction", "doccontrol.extract.sandbox", "Extractor.extract"),
        ("decide + commit (fast-import stream)", "doccontrol.ingest.pipeline", "Ingestor._decide_and_commit"),
        ("durable: checkpoint, tags", "doccontrol.repo.transaction", "Transaction.make_durable"),
        ("inbox clean-up (release)", "doccontrol.ingest.pipeline", "Ingestor._release"),
        ("journal", "doccontrol.ingest.pipeline", "Ingestor._journal"),
        ("index update", "doccontrol.repo.transaction", "Transaction.update_index"),
        ("  of which documents read (docs_for)", "doccontrol.repo.index_sync", "docs_for"),
        ("  of which index writer (replace)", "doccontrol.search.whoosh_backend", "WhooshBackend.replace_procedures"),
        ("  of which index checksums", "doccontrol.search.whoosh_backend", "_refresh_checksums"),
        ("commit-graph", "doccontrol.repo.gitcmd", "Git.write_commit_graph"),
        ("close stream, git reset", "doccontrol.repo.transaction", "Transaction._close_stream"),
        ("session start (lock, recovery)", "doccontrol.repo.transaction", "Transaction.begin"),
    )

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._undo: list[Callable[[], None]] = []

    def __enter__(self) -> StageClock:
        import importlib

        for label, module_name, attr in self.STAGES:
            owner: Any = importlib.import_module(module_name)
            *path, name = attr.split(".")
            for part in path:
                owner = getattr(owner, part)
            original = owner.__dict__[name]
            setattr(owner, name, self._timed(label, original))
            self._undo.append(lambda owner=owner, name=name, original=original: setattr(owner, name, original))
        return self

    def __exit__(self, *exc: object) -> None:
        for undo in reversed(self._undo):
            undo()

    def _timed(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started
                self.calls[label] = self.calls.get(label, 0) + 1

        return timed

    def lines(self, whole: float, files: int) -> list[str]:
        out = []
        for label, _, _ in self.STAGES:
            if label in self.seconds:
                s = self.seconds[label]
                out.append(f"    {label:44s} {s:7.2f} s  {1000 * s / files:6.1f} ms/file  {100 * s / whole:5.1f} %  "
                           f"({self.calls[label]} calls)")
        return out


def build_files(specs: list[tuple[ProcedureSpec, str]], folder: Path) -> list[tuple[Path, str, str]]:
    files = []
    for number, (spec, kind) in enumerate(specs):
        path = folder / spec.office / f"{number:05d}.{kind}"
        path.parent.mkdir(parents=True, exist_ok=True)
        (build_pdf if kind == "pdf" else build_docx)(spec, path)
        files.append((path, kind, spec.office))
    return files


def file_specs(args: argparse.Namespace) -> list[ProcedureSpec]:
    """New procedures (after the base's, with ``--base``) and, with ``--base``, a share of next revisions."""
    offices = tuple(OFFICES)
    if not args.base:
        return generated_specs(args.n, seed=1, offices=offices)
    every = generated_specs(args.base_n + args.n, seed=args.base_seed, offices=offices)
    base, fresh = every[: args.base_n], every[args.base_n:]
    revisions = round(args.n * args.revisions)
    step = max(1, len(base) // max(1, revisions))
    revised = [dataclasses.replace(spec, revision=spec.revision + 1) for spec in base[::step][:revisions]]
    chosen = fresh[: args.n - len(revised)] + revised
    return [chosen[i] for i in sorted(range(len(chosen)), key=lambda i: (i * 7919) % len(chosen))]  # mixed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--pdf-share", type=float, default=0.2, help="share of the files built as PDF")
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    parser.add_argument("--base", type=Path, help="a pre-built workspace to ingest into (copied first)")
    parser.add_argument("--base-n", type=int, default=20000, help="procedures the base was built with")
    parser.add_argument("--base-seed", type=int, default=11, help="the seed the base was built with")
    parser.add_argument("--revisions", type=float, default=0.2, help="with --base: share of next revisions")
    parser.add_argument("--skip-plain", action="store_true", help="only the ingest with the search index")
    parser.add_argument("--files-only", action="store_true", help="with --keep: build the files for a later run, stop")
    args = parser.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="doccontrol-bench-"))
    files_dir = base / "files"
    files_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    pdf_every = round(1 / args.pdf_share) if args.pdf_share > 0 else 0
    specs = [(spec, "pdf" if pdf_every and number % pdf_every == 0 else "docx")
             for number, spec in enumerate(file_specs(args))]
    manifest = files_dir / "files.json"  # with --keep, the files of an earlier run with the same arguments are reused
    wanted = json.dumps([args.n, args.pdf_share, str(args.base), args.base_n, args.base_seed, args.revisions])
    if manifest.exists() and manifest.read_text(encoding="utf-8") == wanted:
        files = [(files_dir / spec.office / f"{number:05d}.{kind}", kind, spec.office) for number, (spec, kind) in enumerate(specs)]
    else:
        files = build_files(specs, files_dir)
        manifest.write_text(wanted, encoding="utf-8")
    print(f"built {len(files)} files ({sum(k == 'pdf' for _, k, _ in files)} pdf) in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    if args.files_only:
        return 0
    print(f"cpus {os.cpu_count()}, load {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)

    # The floor: bare extraction of the same files, in this process.
    started, cpu = time.perf_counter(), time.process_time()
    for path, kind, _ in files:
        extract_file(path, kind)
    extraction, extraction_cpu = time.perf_counter() - started, time.process_time() - cpu

    def run(name: str, index: bool) -> tuple[float, float, dict[str, int], StageClock]:
        target = base / name
        shutil.rmtree(target, ignore_errors=True)  # a kept run's workspace: start from the base again
        if args.base:
            subprocess.run(["cp", "-a", str(args.base), str(target)], check=True)
            ws = load(target)
        else:
            ws = service.init(target, OFFICES)
        for path, _, office in files:
            shutil.copyfile(path, ws.inbox / office / path.name)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        started, cpu = time.perf_counter(), time.process_time()
        with StageClock() as clock:
            outcomes = service.ingest(ws, [(item, False) for item in service.inbox_items(ws)], index=index)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_all = time.process_time() - cpu + (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        statuses = {s: sum(o.status == s for o in outcomes) for s in ("ingested", "duplicate", "quarantined")}
        if not args.keep and args.base:
            shutil.rmtree(target, ignore_errors=True)
        return elapsed, cpu_all, statuses, clock

    n = len(files)
    print(f"files:                 {n}  into {'a copy of ' + str(args.base) if args.base else 'an empty workspace'}")
    print(f"bare extraction:       {extraction:8.2f} s  ({1000 * extraction / n:.1f} ms/file, cpu {extraction_cpu:.2f} s)")
    target = 3.0 if args.base else 2.0
    ok = True
    runs = [("ws-indexed", True)] if args.skip_plain else [("ws", False), ("ws-indexed", True)]
    for name, index in runs:
        elapsed, cpu, statuses, clock = run(name, index)
        what = "ingest + search index" if index else "ingest, no index"
        print(f"{what + ':':22s} {elapsed:8.2f} s  ({1000 * elapsed / n:.1f} ms/file, cpu {cpu:.2f} s incl. children)  "
              f"ratio {elapsed / extraction:.2f} (target ≤ {target:g})  {statuses}  load {os.getloadavg()[0]:.1f}")
        print("\n".join(clock.lines(elapsed, n)), flush=True)
        ok = ok and statuses["ingested"] == n

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory:           {own:8.1f} MB this process, {children:.1f} MB largest child")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
