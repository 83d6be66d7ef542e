"""Benchmark: the province view over many departments served by a real git server.

    .venv/bin/python bench/province.py                                   # 20 departments × 1,000 procedures
    .venv/bin/python bench/province.py --departments 5 --procedures 20000 --dir /tmp/prov100k   # 100,000
    .venv/bin/python bench/province.py --dir /tmp/prov20k                # build there and keep it (reused)
    .venv/bin/python bench/province.py --dir /tmp/prov20k --keep-province --syncs 3   # no first sync again

Each department's workspace is built fast as ``bench/web.py`` builds one (generated specs, every
revision committed through ``Transaction.commit_revision`` in one unit of work; ~2 revisions a
procedure; a catalog of ``--catalog`` TTHC, most cited), then pushed with ``doccontrol push``'s
own function to a bare repository served by ``git daemon`` on 127.0.0.1. Then, each as a whole
``python -m doccontrol`` process (wall time and the process's peak memory):

- ``province sync`` the first time (every mirror fetched, every department's figures computed,
  the province's search index built);
- ``province sync`` after 10 new commits in 3 departments (only those re-read and re-indexed);
- ``province coverage`` (text) over every department;
- ``province search`` (a query mix; the median of ``--searches`` processes);
- ``province serve``: the pages fetched over HTTP (search, coverage, a department, the list a page
  of 500 rows at a time, of every department and of one, and the whole list as a CSV download).

``--keep-province`` reuses the province folder of an earlier run (no first sync); ``--syncs N``
repeats the incremental sync (the later ones with nothing new) and the coverage. Each line says
the load average, and a command's CPU time (its own and the git processes it waited for) beside
its wall time: the machine is shared.

Targets (issue 17, 20 × 1,000): incremental sync ≤ 5 s, coverage ≤ 2 s, search ≤ 200 ms median
whole process, pages p95 ≤ 300 ms. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import web as web_bench  # noqa: E402  (bench/web.py: the fast workspace builder)
from support.git_server import git_daemon  # noqa: E402  (tests/support: git daemon on 127.0.0.1)

from doccontrol import workspace  # noqa: E402
from doccontrol.core.model import Drop, Metadata  # noqa: E402
from doccontrol.ingest.pipeline import new_state, text_digest  # noqa: E402
from doccontrol.repo import remote  # noqa: E402
from doccontrol.repo.gateway import Repository  # noqa: E402

SEARCHES = ["tro cap that nghiep", "giay phep lao dong", "nguoi co cong", "ho so", "kiem soat tai lieu",
            "thờ cúng liệt sĩ", '"giấy phép lao động"', "mai tang phi", "viec lam", "cap lai"]


def set_remote(root: Path, url: str) -> workspace.Workspace:
    config = root / workspace.CONFIG_NAME
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"\[git\]\n(?:(?:#|remote)[^\n]*\n)*", f'[git]\nremote = "{url}"\n', text, count=1)
    config.write_text(text, encoding="utf-8")
    return workspace.load(root)


def build_departments(base: Path, departments: int, procedures: int, catalog: int) -> list[str]:
    """Build (or reuse) the departments' workspaces and their bare repositories on the server."""
    codes = [f"SO{i:02d}" for i in range(1, departments + 1)]
    (base / "server").mkdir(parents=True, exist_ok=True)
    for i, code in enumerate(codes):
        root = base / "departments" / code
        bare = base / "server" / f"{code}.git"
        if not (root / workspace.CONFIG_NAME).exists():
            started = time.perf_counter()
            web_bench.build(root, procedures, real_docx=0, seed=100 + i, catalog_size=catalog, index=False, quiet=True)
            print(f"  {code}: built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        if not bare.exists():
            subprocess.run(["git", "init", "-q", "--bare", "--initial-branch=main", str(bare)], check=True)
            result = remote.push(set_remote(root, str(bare)))
            if not result.ok:
                raise SystemExit(f"push of {code} failed: {result.message}")
    return codes


def new_commits(base: Path, codes: list[str], port: int, counts: tuple[int, ...] = (4, 3, 3)) -> int:
    """New revisions in the first ``len(counts)`` departments, pushed to the server."""
    made = 0
    for code, count in zip(codes, counts):
        root = base / "departments" / code
        ws = set_remote(root, f"git://127.0.0.1:{port}/{code}.git")
        with Repository(ws) as repo, repo.write(None, "bench revisions") as tx:
            states = [s for s in repo.procedures() if s.status == "current"][:count]
            for state in states:
                revision = state.revision + 1
                text = f"{repo.text_at(state, state.revision)}\nSửa đổi lần {revision}: cập nhật biểu mẫu."
                metadata = Metadata(code=state.code, code_key=state.code_key, title=state.title, revision=revision,
                                    revision_stated=True, issued=state.issued, tthc=state.tthc)
                drop = Drop(office=state.office, source_name=f"{state.slug}-r{revision}.txt", ext="txt",
                            sha256=f"{random.getrandbits(256):064x}", text_sha256=text_digest(text), metadata=metadata)
                tx.commit_revision(new_state(drop, state, state.office, state.slug), text.encode("utf-8"), text,
                                   state.office)
                made += 1
        result = remote.push(ws)
        if not result.ok:
            raise SystemExit(f"push of {code} failed: {result.message}")
    return made


LAST_CPU = [0.0]  # the CPU seconds (user + system) of the last timed process and the git processes it waited for


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def timed(province: Path, *args: str) -> tuple[float, int, str]:
    """Run ``doccontrol --home PROVINCE province ARGS`` as a process: (seconds, its peak RSS in MB
    (git's children not counted), stderr's last line); its CPU time in ``LAST_CPU[0]``."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "doccontrol", "--home", str(province), "province", *args],
                                   stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        LAST_CPU[0] = usage.ru_utime + usage.ru_stime
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    if process.returncode not in (0, 1):
        raise SystemExit(f"province {' '.join(args)} failed ({process.returncode}): {text[-2000:]}")
    lines = [line for line in text.splitlines() if line.strip()]
    return seconds, usage.ru_maxrss // 1024, lines[-1] if lines else ""


def pages(province: Path, requests: int, codes: list[str]) -> None:
    log = Path(tempfile.mkstemp(prefix="doccontrol-province-serve-", suffix=".log")[1])
    process = subprocess.Popen([sys.executable, "-m", "doccontrol", "--home", str(province), "province", "serve",
                                "--port", "0"], stdout=subprocess.DEVNULL, stderr=open(log, "w"),  # noqa: SIM115
                               stdin=subprocess.DEVNULL)
    try:
        port = None
        for _ in range(600):
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text(encoding="utf-8"))
            if match:
                port = int(match.group(1))
                break
            time.sleep(0.1)
        if port is None:
            raise SystemExit(f"province serve did not start: {log.read_text(encoding='utf-8')}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        rng = random.Random(3)

        def fetch(path: str) -> float:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path}: HTTP {response.status}")
            return (time.perf_counter() - started) * 1000

        first = {"coverage": fetch("/coverage"), "list": fetch("/list")}
        print(f"  first views (compute and keep): coverage {first['coverage']:.0f} ms, list {first['list']:.0f} ms "
              f"({load()})")
        total = int(re.search(r"/ (\d+); trang", page_text(connection, "/list")).group(1))  # type: ignore[union-attr]
        pages_of_list = max(1, -(-total // 500))
        kinds = {
            "search": [f"/?{urlencode({'q': rng.choice(SEARCHES), **({'department': rng.choice(codes)} if i % 3 == 0 else {})})}"
                       for i in range(requests)],
            "coverage": ["/coverage"] * requests,
            "department": [f"/department/{quote(rng.choice(codes))}" for _ in range(requests)],
            "list": [f"/list?page={rng.randrange(1, pages_of_list + 1)}" for _ in range(requests)],
            "list/dept": [f"/list?{urlencode({'department': rng.choice(codes)})}" for _ in range(requests)],
            "list.csv": ["/list.csv"] * max(5, requests // 10),
        }
        for kind, paths in kinds.items():
            times = sorted(fetch(p) for p in paths)
            p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
            print(f"  page {kind:10} n={len(times):4}  median {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  "
                  f"max {times[-1]:7.1f} ms  ({load()})")
        connection.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.unlink(missing_ok=True)


def page_text(connection: http.client.HTTPConnection, path: str) -> str:
    connection.request("GET", path)
    return connection.getresponse().read().decode("utf-8")


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) // 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--departments", type=int, default=20)
    parser.add_argument("--procedures", type=int, default=1000, help="per department")
    parser.add_argument("--catalog", type=int, default=300, help="TTHC in each department's catalog")
    parser.add_argument("--dir", type=Path, help="build here and keep it (the departments are reused)")
    parser.add_argument("--searches", type=int, default=21)
    parser.add_argument("--requests", type=int, default=100, help="requests per page kind")
    parser.add_argument("--jobs", type=int, default=4, help="departments fetched at once")
    parser.add_argument("--no-pages", action="store_true")
    parser.add_argument("--fetch-timeout", type=int, help="[sync] timeout_seconds of the province (default 120)")
    parser.add_argument("--syncs", type=int, default=1,
                        help="incremental syncs (the first after the new commits, the others with nothing new) "
                             "and coverage runs")
    parser.add_argument("--build-only", action="store_true", help="build the departments and the server, then stop")
    parser.add_argument("--keep-province", action="store_true",
                        help="reuse the province folder of an earlier run (no first sync: its mirrors are brought "
                             "up to the server by the next one)")
    args = parser.parse_args()
    base = (args.dir or Path(tempfile.mkdtemp(prefix="doccontrol-bench-province-"))).resolve()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; {base}",
          file=sys.stderr)
    started = time.perf_counter()
    codes = build_departments(base, args.departments, args.procedures, args.catalog)
    print(f"{len(codes)} departments × {args.procedures} procedures ready in {time.perf_counter() - started:.0f} s; "
          f"server {du(base / 'server')} MB")
    if args.build_only:
        return 0
    province = base / "province"
    with git_daemon(base / "server") as port:
        keep = args.keep_province and (province / "province.toml").exists()
        if province.exists() and not keep:
            import shutil

            shutil.rmtree(province)
        if not keep:
            subprocess.run([sys.executable, "-m", "doccontrol", "province", "init", str(province), "--name",
                            "UBND tỉnh Lạng Sơn"], check=True, capture_output=True)
        if args.fetch_timeout:  # a first fetch of a large department needs more than the default 120 s
            config = province / "province.toml"
            config.write_text(re.sub(r"(?m)^timeout_seconds = \d+", f"timeout_seconds = {args.fetch_timeout}",
                                     config.read_text(encoding="utf-8")), encoding="utf-8")
        for code in codes:  # (again with --keep-province: the server's port is new)
            subprocess.run([sys.executable, "-m", "doccontrol", "--home", str(province), "province", "add", code,
                            f"git://127.0.0.1:{port}/{code}.git", "--name", f"Sở số {code[2:]}"],
                           check=True, capture_output=True)
        if not keep:
            print(f"first sync starts ({load()})")
            seconds, peak, last = timed(province, "sync", "--jobs", str(args.jobs))
            print(f"first sync: {seconds:.1f} s ({LAST_CPU[0]:.1f} s CPU), peak RSS {peak} MB ({load()}) — {last}")
            print(f"  mirrors {du(province / 'mirrors')} MB, index {du(province / 'index')} MB, "
                  f"cache {du(province / 'cache')} MB")
        made = new_commits(base, codes, port)
        for attempt in range(args.syncs):
            seconds, peak, last = timed(province, "sync", "--jobs", str(args.jobs))
            what = f"after {made} new commits in 3 departments" if attempt == 0 else "with nothing new"
            print(f"sync {what}: {seconds:.2f} s ({LAST_CPU[0]:.2f} s CPU), peak RSS {peak} MB ({load()}) "
                  f"(target ≤ 5 s) — {last}")
        for _ in range(args.syncs):
            seconds, peak, last = timed(province, "coverage")
            print(f"province coverage (whole process): {seconds:.2f} s ({LAST_CPU[0]:.2f} s CPU) (target ≤ 2 s), "
                  f"peak RSS {peak} MB ({load()}) — {last}")
        times = []
        rng = random.Random(7)
        for i in range(args.searches):
            query = rng.choice(SEARCHES)
            extra = ["--department", rng.choice(codes)] if i % 3 == 0 else []
            seconds, _, _ = timed(province, "search", query, *extra)
            times.append(seconds * 1000)
        print(f"province search (whole process): median {statistics.median(times):.0f} ms, max {max(times):.0f} ms "
              f"(target median ≤ 200 ms) ({load()})")
        if not args.no_pages:
            pages(province, args.requests, codes)
    if args.dir is None:
        print(f"(left at {base}; delete it when done)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
