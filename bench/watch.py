"""Benchmark of ``doccontrol watch``: drop → committed latency, and a long run for leaks.

    python bench/watch.py [--n 5000] [--latency-files 20] [--stable 2.0] [--interval 1.0]
                          [--skip-latency] [--skip-volume] [--keep DIR]

1. Latency (native events, then polling): single files are dropped one at a time into a
   running watcher; the latency of each is the time from the end of its write to the moment
   it has left the inbox (which the pipeline does right after the commit, its tag and the
   commit hooks). Target: p95 ≤ stability window + 1 s.
2. Volume: N files (default 5,000) go through one native watcher, fed in chunks as a busy
   share would; the watcher's resident memory, open file descriptors, threads and child
   processes are sampled between batches (the writer lock free, no git running) after the
   first chunk and every 1,000 files. Target: flat.

Figures are printed, never asserted. Each file is a real procedure document: one is built with
``doccontrol.samples.build_docx``, the others by changing its code inside the zip.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from doccontrol import workspace as ws_module
from doccontrol.demo.samples import ProcedureSpec, build_docx

OFFICES = {"VP": "Văn phòng", "LDVL": "Phòng Lao động - Việc làm", "NCC": "Phòng Người có công",
           "BTXH": "Phòng Bảo trợ xã hội"}
PLACEHOLDER = "QT-900/ZZW"


class Docs:
    """Distinct procedure documents, fast: one built, the rest by replacing its code."""

    def __init__(self, folder: Path) -> None:
        spec = ProcedureSpec(code=PLACEHOLDER, title="Cấp giấy phép lao động cho người lao động nước ngoài",
                             office="LDVL")
        template = build_docx(spec, folder / "template.docx")
        with zipfile.ZipFile(template) as zf:
            self.parts = [(info, zf.read(info)) for info in zf.infolist()]

    def data(self, code: str) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in self.parts:
                zf.writestr(info, data.replace(PLACEHOLDER.encode(), code.encode()))
        return out.getvalue()


@dataclass
class Sample:
    files_done: int
    rss_mb: float
    fds: int
    threads: int
    children: list[tuple[int, str, float]]  # (pid, name, rss MB)

    def line(self) -> str:
        kids = ", ".join(f"{name}[{pid}] {rss:.0f} MB" for pid, name, rss in self.children) or "none"
        return (f"{self.files_done:6d} files  RSS {self.rss_mb:6.1f} MB  open fds {self.fds:3d}  "
                f"threads {self.threads:2d}  children {len(self.children)}: {kids}")


def _status_field(pid: int, name: str) -> str:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return line.split(":", 1)[1].strip()
    return ""


def _rss_mb(pid: int) -> float:
    value = _status_field(pid, "VmRSS")
    return int(value.split()[0]) / 1024 if value else 0.0


def children_of(pid: int) -> list[tuple[int, str, float]]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if int(_status_field(int(entry), "PPid") or -1) == pid:
                found.append((int(entry), _status_field(int(entry), "Name"), _rss_mb(int(entry))))
        except (OSError, ValueError):
            continue
    return sorted(found)


def sample(pid: int, done: int) -> Sample:
    return Sample(
        files_done=done,
        rss_mb=_rss_mb(pid),
        fds=len(os.listdir(f"/proc/{pid}/fd")),
        threads=int(_status_field(pid, "Threads") or 0),
        children=children_of(pid),
    )


def new_workspace(base: Path, name: str) -> ws_module.Workspace:
    return ws_module.init(base / name, OFFICES)


def start(home: Path, log: Path, *args: str) -> subprocess.Popen[bytes]:
    handle = open(log, "ab")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "doccontrol", "--home", str(home), "watch", *args],
            stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    finally:
        handle.close()


def wait_started(log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and "watch start" in log.read_text(encoding="utf-8", errors="replace"):
            time.sleep(0.5)
            return
        time.sleep(0.05)
    raise SystemExit(f"the watcher did not start; see {log}")


def stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=300)


def inbox_count(home: Path) -> int:
    return sum(1 for p in (home / "inbox").rglob("*") if p.is_file())


def quiet(home: Path, pid: int, timeout: float = 30) -> None:
    """Wait until the batch is over: the drops leave the inbox at the group commit's checkpoint,
    then the index is updated and the store closed. Sampled before that, a ``git`` process and
    the index files of the batch in flight would look like leaks."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not ws_module.lock_is_held(home) and not any(name == "git" for _, name, _ in children_of(pid)):
            time.sleep(0.3)
            if not ws_module.lock_is_held(home):
                return
        time.sleep(0.1)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def latency(base: Path, docs: Docs, mode: str, count: int, stable: float, interval: float) -> list[float]:
    ws = new_workspace(base, f"latency-{mode}")
    log = base / f"latency-{mode}.out"
    args = ["--stable-seconds", str(stable)]
    if mode == "poll":
        args += ["--poll", "--interval", str(interval)]
    watcher = start(ws.root, log, *args)
    results: list[float] = []
    try:
        wait_started(log)
        # One warm-up file: the first one starts the extraction worker (a fresh interpreter).
        for number in range(count + 1):
            target = ws.inbox / "LDVL" / f"lat-{number:03d}.docx"
            data = docs.data(f"QT-L{number:03d}/{mode.upper()}")
            with open(target, "wb") as handle:
                handle.write(data)
            dropped = time.monotonic()
            deadline = dropped + stable + 60
            while target.exists():
                if time.monotonic() > deadline:
                    raise SystemExit(f"{target} was not ingested; see {log}")
                time.sleep(0.005)
            if number:
                results.append(time.monotonic() - dropped)
            time.sleep(0.3)
    finally:
        stop(watcher)
    journal = (ws.logs / "ingest.jsonl").read_text(encoding="utf-8")
    ingested = journal.count('"status": "ingested"')
    if ingested != count + 1:
        print(f"  warning: {ingested} of {count + 1} files ingested (see {log})")
    return results


def volume(base: Path, docs: Docs, n: int, chunk: int, stable: float) -> list[Sample]:
    """Feed ``n`` files in chunks; sample the watcher when the inbox is empty again (no commit in
    flight, so a transient ``git`` process is not mistaken for a leak) after the first chunk,
    then at every 1,000 files, and at the end."""
    ws = new_workspace(base, "volume")
    log = base / "volume.out"
    watcher = start(ws.root, log, "--stable-seconds", str(stable))
    samples: list[Sample] = []
    offices = list(OFFICES)
    started = time.monotonic()
    try:
        wait_started(log)
        done = 0
        next_mark = 1000
        while done < n:
            size = min(chunk, n - done)
            for number in range(done, done + size):
                folder = ws.inbox / offices[number % len(offices)]
                (folder / f"v-{number:05d}.docx").write_bytes(docs.data(f"QT-V{number:05d}/W"))
            deadline = time.monotonic() + 60 + size * 5
            while inbox_count(ws.root) > 0:
                if time.monotonic() > deadline or watcher.poll() is not None:
                    raise SystemExit(f"the watcher stopped ingesting; see {log}")
                time.sleep(0.1)
            done += size
            quiet(ws.root, watcher.pid)
            if not samples or done >= next_mark or done == n:
                samples.append(sample(watcher.pid, done))
                print("  " + samples[-1].line(), flush=True)
                next_mark = (done // 1000 + 1) * 1000
    finally:
        code = stop(watcher)
    elapsed = time.monotonic() - started
    journal = (ws.logs / "ingest.jsonl").read_text(encoding="utf-8")
    ingested = journal.count('"status": "ingested"')
    print(f"  {ingested} of {n} ingested in {elapsed:.0f} s ({1000 * elapsed / n:.0f} ms/file), watcher exit {code}")
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000, help="files for the volume run (default 5000)")
    parser.add_argument("--chunk", type=int, default=250, help="files dropped at a time in the volume run")
    parser.add_argument("--latency-files", type=int, default=20, help="single drops per mode")
    parser.add_argument("--stable", type=float, default=2.0, help="stability window, seconds (default 2)")
    parser.add_argument("--interval", type=float, default=1.0, help="polling interval, seconds (default 1)")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-volume", action="store_true")
    parser.add_argument("--keep", type=Path, help="work here and keep the workspaces")
    args = parser.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="doccontrol-watch-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    docs = Docs(base)
    print(f"cpus {os.cpu_count()}, load {os.getloadavg()[0]:.1f}, python {sys.version.split()[0]}")
    if not args.skip_latency:
        for mode in ("native", "poll"):
            values = latency(base, docs, mode, args.latency_files, args.stable, args.interval)
            p95 = pct(values, 95)
            target = args.stable + 1.0
            extra = f", interval {args.interval:g} s" if mode == "poll" else ""
            print(f"latency {mode:6s} (window {args.stable:g} s{extra}, {len(values)} files): "
                  f"p50 {statistics.median(values):.2f} s  p95 {p95:.2f} s  max {max(values):.2f} s  "
                  f"target p95 ≤ {target:.1f} s: {'met' if p95 <= target else 'NOT met'}")
    if not args.skip_volume:
        print(f"volume: {args.n} files through one native watcher (window 0.5 s), chunks of {args.chunk}")
        samples = volume(base, docs, args.n, args.chunk, 0.5)
        first, last = samples[0], samples[-1]
        print(f"volume start → end: RSS {first.rss_mb:.1f} → {last.rss_mb:.1f} MB, open fds {first.fds} → {last.fds}, "
              f"threads {first.threads} → {last.threads}, children {len(first.children)} → {len(last.children)}")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
