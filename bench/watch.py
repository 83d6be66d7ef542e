"""Benchmark of ``doccontrol watch``: drop → committed latency, and a long run for leaks.

    python bench/watch.py [--n 5000] [--latency-files 20] [--stable 2.0] [--interval 1.0]
                          [--skip-latency] [--skip-volume] [--keep DIR]
    python bench/watch.py --soak 3600 [--soak-files 5000] [--backlog 1000] [--drop-every 15]
                          [--sample-every 60] [--keep DIR]

1. Latency (native events, then polling): single files are dropped one at a time into a
   running watcher; the latency of each is the time from the end of its write to the moment
   it has left the inbox (which the pipeline does right after the commit, its tag and the
   commit hooks). Target: p95 ≤ stability window + 1 s.
2. Volume: N files (default 5,000) go through one native watcher, fed in chunks as a busy
   share would; the watcher's resident memory, open file descriptors, threads and child
   processes are sampled between batches (the writer lock free, no git running) after the
   first chunk and every 1,000 files. Target: flat.
3. Soak (``--soak SECONDS``, alone): one native watcher runs for that long over an inbox tree
   that holds ``--soak-files`` files, as a busy share does: a backlog waiting since the morning
   (good documents, the same bytes under another name, broken files, files in a folder that is
   no office's, folders moved in), and files that stay for good (Word owner and temp files,
   partial downloads, Thumbs.db, a sync tool's dot folder). Throughout, one file is dropped every
   ``--drop-every`` seconds (new procedures, duplicates, broken files that are retried then
   quarantined, temp files that stay) and now and then a folder is moved in. The watcher's RSS,
   open fds, threads and child processes (with their RSS) are sampled every ``--sample-every``
   seconds with the writer lock free; the series is printed, then the verdict: the first and the
   last ten minutes (a third of a shorter run) compared, and the growth per hour. Target: flat.

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

from doccontrol import service
from doccontrol.repo.lock import lock_is_held
from doccontrol.workspace import Workspace
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


def new_workspace(base: Path, name: str) -> Workspace:
    return service.init(base / name, OFFICES)


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
        if not lock_is_held(home) and not any(name == "git" for _, name, _ in children_of(pid)):
            time.sleep(0.3)
            if not lock_is_held(home):
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


# -- soak -----------------------------------------------------------------------------------------

# Names a share keeps for good: the watcher must walk past them at every rescan, never take them.
RESIDENT_NAMES = ("~${n}.docx", "~WRD{n}.tmp", "{n}.docx.part", "{n}.pdf.crdownload", ".~lock.{n}.docx#",
                  "{n}.tmp", ".sync/{n}.db")
RESIDENT_FIXED = ("Thumbs.db", "desktop.ini", ".DS_Store")
HOUR_AGO = 3600.0


@dataclass
class SoakSample(Sample):
    seconds: float = 0.0
    load: float = 0.0

    @property
    def children_rss(self) -> float:
        return sum(rss for _, _, rss in self.children)

    def soak_line(self) -> str:
        return f"{self.seconds / 60:5.1f} min  load {self.load:4.1f}  {self.line()}"


class SoakTree:
    """Writes the inbox tree of a busy share and the drops that follow; counts what it wrote."""

    def __init__(self, inbox: Path, docs: Docs, staging: Path) -> None:
        self.inbox, self.docs, self.staging = inbox, docs, staging
        self.offices = list(OFFICES)
        self.serial = 0
        self.written: dict[str, int] = {}
        self.good: list[bytes] = []

    def _write(self, kind: str, path: Path, data: bytes, old: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if old:  # waiting since the morning: due at once, never "still being copied"
            stamp = time.time() - HOUR_AGO
            os.utime(path, (stamp, stamp))
        self.written[kind] = self.written.get(kind, 0) + 1

    def _next(self) -> int:
        self.serial += 1
        return self.serial

    def document(self, folder: Path, kind: str, old: bool = False) -> None:
        """One file of ``kind``: good (a new procedure), same (the bytes of an earlier good one
        under another name), broken (a cut .docx), nooffice (a good one outside any office)."""
        n = self._next()
        if kind in ("good", "nooffice"):
            data = self.docs.data(f"QT-S{n:05d}/SOAK")
            if kind == "good":
                self.good.append(data)
        elif kind == "same" and self.good:
            data = self.good[n % len(self.good)]
        else:
            kind = "broken"
            whole = self.docs.data(f"QT-B{n:05d}/SOAK")
            data = whole[: len(whole) // 2]
        self._write(kind, folder / f"soak-{n:05d}.docx", data, old)

    def resident(self, folder: Path) -> None:
        n = self._next()
        pattern = RESIDENT_NAMES[n % len(RESIDENT_NAMES)]
        self._write("resident", folder / pattern.format(n=f"{n:05d}"), b"\0" * 64)

    def backlog(self, total: int, waiting: int) -> None:
        """``total`` files: ``waiting`` to be taken (old), the rest residents; in office folders,
        sub-folders, a folder that is no office's and the inbox itself."""
        kinds = ["good"] * 16 + ["same", "broken", "nooffice", "good"]
        for number in range(waiting):
            office = self.offices[number % len(self.offices)]
            folder = self.inbox / office
            if number % 5 == 1:
                folder = folder / f"Năm {2020 + number % 5}" / f"đợt {number % 3 + 1}"
            kind = kinds[number % len(kinds)]
            if kind == "nooffice":
                folder = self.inbox / ("KHAC" if number % 2 else "")
            self.document(folder, kind, old=True)
        for number in range(total - waiting):
            office = self.offices[number % len(self.offices)]
            folder = self.inbox / office / ("" if number % 3 else f"Lưu trữ {number % 7}")
            if number < len(self.offices) * len(RESIDENT_FIXED):
                name = RESIDENT_FIXED[number // len(self.offices)]
                self._write("resident", self.inbox / office / name, b"\0" * 64)
            else:
                self.resident(folder)

    def drop(self, number: int) -> None:
        """The ``number``-th steady drop: 6 good, 1 same bytes, 1 broken, 1 resident, 1 folder in 10."""
        office = self.offices[number % len(self.offices)]
        step = number % 10
        if step == 9:  # a folder moved in (rename within the file system: appears at once)
            folder = self.staging / f"moved-{number:05d}"
            for _ in range(3):
                self.document(folder / "con", "good")
            os.rename(folder, self.inbox / office / f"chuyển vào {number:05d}")
        elif step == 8:
            self.resident(self.inbox / office)
        else:
            self.document(self.inbox / office, {6: "same", 7: "broken"}.get(step, "good"))


def soak_sample(pid: int, home: Path, started: float) -> SoakSample:
    quiet(home, pid, timeout=20)
    base = sample(pid, 0)
    return SoakSample(base.files_done, base.rss_mb, base.fds, base.threads, base.children,
                      seconds=time.monotonic() - started, load=os.getloadavg()[0])


def soak(base: Path, docs: Docs, seconds: float, files: int, backlog: int, drop_every: float,
         sample_every: float, stable: float) -> list[SoakSample]:
    ws = new_workspace(base, "soak")
    staging = base / "soak-staging"
    staging.mkdir(exist_ok=True)
    tree = SoakTree(ws.inbox, docs, staging)
    tree.backlog(files, backlog)
    print(f"  inbox tree: {inbox_count(ws.root)} files ({tree.written})", flush=True)
    log = base / "soak.out"
    watcher = start(ws.root, log, "--stable-seconds", str(stable))
    samples: list[SoakSample] = []
    drops = 0
    try:
        wait_started(log)
        started = time.monotonic()
        next_drop, next_sample = started + drop_every, started
        while time.monotonic() - started < seconds:
            if watcher.poll() is not None:
                raise SystemExit(f"the watcher stopped (exit {watcher.returncode}); see {log}")
            now = time.monotonic()
            if now >= next_sample:
                samples.append(soak_sample(watcher.pid, ws.root, started))
                print("  " + samples[-1].soak_line(), f" inbox {inbox_count(ws.root)}", flush=True)
                next_sample += sample_every
            elif now >= next_drop:
                tree.drop(drops)
                drops += 1
                next_drop += drop_every
            time.sleep(0.2)
        samples.append(soak_sample(watcher.pid, ws.root, started))
        print("  " + samples[-1].soak_line(), f" inbox {inbox_count(ws.root)}", flush=True)
    finally:
        code = stop(watcher)
    journal = (ws.logs / "ingest.jsonl").read_text(encoding="utf-8")
    statuses = {s: journal.count(f'"status": "{s}"') for s in ("ingested", "duplicate", "quarantined")}
    print(f"  wrote {tree.written}; {drops} steady drops; journal {statuses}; "
          f"left in the inbox {inbox_count(ws.root)}; watcher exit {code}")
    return samples


def soak_verdict(samples: list[SoakSample], seconds: float) -> str:
    """First and last windows (ten minutes, a third of a shorter run) compared; growth per hour."""
    window = min(600.0, seconds / 3)
    first = [s for s in samples if s.seconds <= window]
    last = [s for s in samples if s.seconds >= samples[-1].seconds - window]
    span_h = max(1e-9, (statistics.mean(s.seconds for s in last) - statistics.mean(s.seconds for s in first)) / 3600)
    lines = [f"soak verdict: first {window / 60:g} min ({len(first)} samples) vs last {window / 60:g} min "
             f"({len(last)} samples)"]
    flat = True
    for name, get, allowed in (("RSS MB", lambda s: s.rss_mb, 5.0), ("children RSS MB", lambda s: s.children_rss, 10.0),
                               ("open fds", lambda s: s.fds, 0), ("threads", lambda s: s.threads, 0),
                               ("children", lambda s: len(s.children), 0)):
        values = [get(s) for s in samples]
        a, b = statistics.median(get(s) for s in first), statistics.median(get(s) for s in last)
        grows = b - a > allowed
        flat = flat and not grows
        lines.append(f"  {name:16s} start {values[0]:7.1f}  end {values[-1]:7.1f}  max {max(values):7.1f}  "
                     f"first {a:7.1f} → last {b:7.1f}  ({(b - a) / span_h:+.1f}/h){'  GROWS' if grows else ''}")
    lines.append(f"  load {min(s.load for s in samples):.1f}–{max(s.load for s in samples):.1f}; "
                 f"verdict: {'flat' if flat else 'NOT flat'}")
    return "\n".join(lines)


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
    parser.add_argument("--soak", type=float, metavar="SECONDS", help="run the soak alone, this long (3600 for the target)")
    parser.add_argument("--soak-files", type=int, default=5000, help="files in the inbox tree at the start (default 5000)")
    parser.add_argument("--backlog", type=int, default=1000, help="of which waiting to be taken (default 1000)")
    parser.add_argument("--drop-every", type=float, default=15.0, help="seconds between steady drops (default 15)")
    parser.add_argument("--sample-every", type=float, default=60.0, help="seconds between samples (default 60)")
    args = parser.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="doccontrol-watch-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    docs = Docs(base)
    print(f"cpus {os.cpu_count()}, load {os.getloadavg()[0]:.1f}, python {sys.version.split()[0]}", flush=True)
    if args.soak:
        print(f"soak: {args.soak:g} s, {args.soak_files} files in the inbox tree ({args.backlog} waiting), "
              f"a drop every {args.drop_every:g} s, a sample every {args.sample_every:g} s", flush=True)
        samples = soak(base, docs, args.soak, args.soak_files, args.backlog, args.drop_every, args.sample_every,
                       args.stable)
        print(soak_verdict(samples, args.soak))
        args.skip_latency = args.skip_volume = True
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
