"""The long reliability runs of issue 6: hostile input, kill -9, load, full disk — with exact accounting.

    python bench/stress.py [--quick] [--phases hostile,names,faults,load,disk] [--drops 400] [--waves 20]
                           [--kills-per-wave 2] [--load-files 2000] [--name-rounds 10] [--seed 6]
                           [--keep DIR] [--json FILE]

Phases (each on a fresh workspace; a real ``doccontrol watch`` process does the work):

- ``hostile``: the generated hostile set (empty, truncated at many offsets, wrong extensions, zip
  bombs, XXE, .docm, .doc, PDF page-tree loops, Flate bombs, huge streams, NFD/long/space names,
  links and hard links to a sentinel folder outside, a FIFO, a folder named like a file, drops
  outside any office) plus every file of ``../shared/corpus``. The watcher must stay up; the
  sentinel keeps its bytes and mtimes.
- ``names`` (issue 12): the hostile names of ``hostile_names`` (trailer forgeries with CR/LF,
  ANSI/OSC and bidi sequences, names that are not UTF-8, files named like another's reason, odd
  office folders) ``--name-rounds`` times over, each round under new names, plus random names
  of random bytes, through a running watcher; then ``status``, the web's status page, the
  watcher's log and every reason file are checked line by line.
- ``faults``: ``--drops`` files in ``--waves``; after each wave the watcher is killed with -9
  ``--kills-per-wave`` times (``DOCCONTROL_FAULT=<point>:<N>`` with point and N drawn with
  ``--seed``, or ``kill -9`` of its process group from outside at a random moment) and restarted
  each time; a last clean run drains.
- ``load``: ``--load-files`` files dropped at once across all offices while 4 threads search without
  pause; then 20 codes dropped by two offices in the same instant, and one file rewritten in place
  (revisions 1..4, three times) while the watcher copies it.
- ``disk``: a 24 MB tmpfs (skipped where ``mount`` is not allowed): the disk fills while the watcher
  works; then space comes back.

After each phase: the exact accounting (``tests/support/reliability.py: account``), ``git fsck``,
a clean work tree, ``doccontrol verify``. Figures are printed (and written as JSON with ``--json``),
never asserted; ``docs/reliability.md`` quotes them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.reliability import (  # noqa: E402
    OFFICES,
    DocFactory,
    Dropped,
    Hostile,
    Ledger,
    Sentinel,
    account,
    code_for,
    doccontrol,
    fault_campaign,
    hostile_names,
    hostile_set,
    inbox_waiting,
    make_workspace,
    repository_checks,
    revisions,
    sha256,
    start_watcher,
)

from doccontrol import service  # noqa: E402
from doccontrol.search import SearchRequest  # noqa: E402
from doccontrol.workspace import open_workspace  # noqa: E402

SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _set_timeout(home: Path, seconds: int) -> None:
    path = home / "doccontrol.toml"
    text = path.read_text(encoding="utf-8")
    lines = [f"extract_timeout_seconds = {seconds}" if line.startswith("extract_timeout_seconds") else line
             for line in text.splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _wait_started(log: Path) -> None:
    deadline = time.monotonic() + 60
    while "watch start" not in (log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""):
        if time.monotonic() > deadline:
            raise RuntimeError("the watcher did not start")
        time.sleep(0.05)


def _drain(home: Path, watcher: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait until the inbox is empty; False if the watcher died or time ran out."""
    deadline = time.monotonic() + timeout
    while inbox_waiting(home) and time.monotonic() < deadline:
        if watcher.poll() is not None:
            return False
        time.sleep(0.2)
    time.sleep(0.5)
    return inbox_waiting(home) == 0


def _stop(watcher: subprocess.Popen[bytes]) -> int:
    if watcher.poll() is None:
        watcher.terminate()
    return watcher.wait(timeout=120)


def _verdict(home: Path, ledger: Ledger) -> dict[str, object]:
    accounting = account(home, ledger.drops)
    checks = repository_checks(home)
    after_search = None
    if not checks["verify_ok"]:
        # An index behind HEAD (the restart after the last crash committed nothing new) catches
        # up at the first search: say whether it agrees then.
        try:
            service.search(open_workspace(home), SearchRequest(query="QT-0001"))
            after_search = bool(repository_checks(home)["verify_ok"])
        except Exception:  # noqa: BLE001 - reported as not healthy
            after_search = False
    verify = checks["verify"] if isinstance(checks["verify"], dict) else {}
    index = verify.get("index", {}) if isinstance(verify, dict) else {}
    return {
        "accounting": accounting.summary(),
        "accounting_problems": accounting.problems(),
        "exact": accounting.exact,
        "fsck_ok": checks["fsck_ok"],
        "worktree_clean": checks["worktree_clean"],
        "verify_ok": checks["verify_ok"],
        "verify_ok_after_first_search": checks["verify_ok"] or after_search,
        "integrity_mismatches": len(verify.get("integrity", {}).get("mismatches", [])) if verify else None,
        "index_missing": len(index.get("missing", [])) if isinstance(index, dict) else None,
        "index_stale": len(index.get("stale", [])) if isinstance(index, dict) else None,
    }


# --- phases -----------------------------------------------------------------------------------------


def phase_hostile(base: Path, docs: DocFactory, quick: bool) -> dict[str, object]:
    sentinel = Sentinel.create(base / "outside", docs)
    home = make_workspace(base / "ws")
    _set_timeout(home, 5)
    ledger = Ledger(home)
    log = base / "watch.log"
    watcher = start_watcher(home, log, "--stable-seconds", "0.3", "--rescan-seconds", "2", "--young-seconds", "0")
    started = time.monotonic()
    _wait_started(log)
    items = hostile_set(docs, sentinel, truncations=12 if quick else 40)
    for item in items:
        item.place(ledger)
    corpus = []
    if SHARED_CORPUS.is_dir() and not quick:
        corpus = sorted(p for p in SHARED_CORPUS.rglob("*") if p.is_file() and p.suffix in (".pdf", ".docx"))
        for n, source in enumerate(corpus):
            ledger.write(list(OFFICES)[n % 4], f"corpus {source.name}", source.read_bytes())
    drained = _drain(home, watcher, 900)
    alive = watcher.poll() is None
    code = _stop(watcher)
    records = [json.loads(line) for line in (home / "logs" / "ingest.jsonl").read_text(encoding="utf-8").splitlines()]
    causes = Counter(r["cause"] or r["status"] for r in records)
    return {
        "bad_inputs_generated": len(items), "corpus_files": len(corpus), "drained": drained,
        "watcher_stayed_up": alive and code == 0, "watcher_restarts_needed": 0 if alive else 1,
        "outcomes": dict(sorted(causes.items())), "sentinel_changed": sentinel.changes(),
        "seconds": round(time.monotonic() - started, 1), **_verdict(home, ledger),
    }


def _renamed(item: Hostile, round_: int, number: int, docs: DocFactory) -> Hostile:
    """``item`` for round ``round_``: the same hostile name with a round mark before its suffix;
    a good document becomes procedure ``number`` (a code of its own)."""
    stem, dot, ext = item.name.rpartition(".") if "." in item.name else (item.name, "", "")
    while len(os.fsencode(f"{stem} r{round_}{dot}{ext}")) > 255:  # a 255-byte name stays one
        stem = stem[1:]
    name = f"{stem} r{round_}{dot}{ext}"
    data = item.data
    if item.expect == ("ingested",) and data is not None:
        data = docs.data(code_for(number, "NAMES"))
    return Hostile(name, data, item.kind, item.target, item.expect, item.office)


def _random_names(rng: random.Random, count: int, round_: int) -> list[Hostile]:
    """Names of random bytes (any byte but ``/`` and NUL), refused files: they must all be kept."""
    items = []
    for n in range(count):
        raw = bytes(rng.choice([b for b in range(1, 256) if b != 0x2F]) for _ in range(rng.randint(1, 60)))
        items.append(Hostile(os.fsdecode(raw + f" {round_}-{n}.docx".encode()), rng.randbytes(50),
                             expect=("unsupported_type",), office=rng.choice(list(OFFICES))))
    return items


def _names_checks(home: Path, log: Path) -> dict[str, object]:
    """What people read: status, the web's status page, the watcher's log, the reason files."""
    from doccontrol.web import create_app

    copies = [p for p in (home / "quarantine").rglob("*") if p.is_file() and not p.name.endswith(".reason.txt")]
    status = json.loads(doccontrol(home, "status", "--json").stdout)
    page = create_app(home, testing=True).test_client().get("/status")
    reasons = list((home / "quarantine").rglob("*.reason.txt"))
    forged = [r for r in reasons
              if [line.split(":", 1)[0] for line in r.read_text(encoding="utf-8").splitlines()].count("Lý do") != 1]
    text = log.read_bytes().decode("utf-8", errors="strict")
    stray = [line for line in text.splitlines() if line and not (line[:4].isdigit() or line.startswith("  | "))]
    return {
        "quarantined_copies": len(copies), "status_quarantined": status["quarantined"],
        "web_status": page.status_code, "reason_files": len(reasons), "reasons_with_forged_lines": len(forged),
        "log_escape_sequences": text.count("\x1b"), "log_lines_not_from_the_watcher": len(stray),
    }


def phase_names(base: Path, docs: DocFactory, rounds: int, seed: int) -> dict[str, object]:
    home = make_workspace(base / "ws")
    ledger = Ledger(home)
    log = base / "watch.log"
    watcher = start_watcher(home, log, "--stable-seconds", "0.3", "--rescan-seconds", "2", "--young-seconds", "0")
    started = time.monotonic()
    _wait_started(log)
    rng = random.Random(seed)
    placed = 0
    drained = True
    for round_ in range(rounds):
        for wave in hostile_names(docs):
            for item in [_renamed(i, round_, placed + n, docs) for n, i in enumerate(wave)]:
                item.place(ledger)
                placed += 1
            drained = _drain(home, watcher, 300) and drained
        for item in _random_names(rng, 10, round_):
            item.place(ledger)
            placed += 1
        drained = _drain(home, watcher, 300) and drained
    alive = watcher.poll() is None
    code = _stop(watcher)
    records = [json.loads(line) for line in (home / "logs" / "ingest.jsonl").read_bytes().split(b"\n") if line]
    causes = Counter(r["cause"] or r["status"] for r in records)
    return {
        "names_dropped": placed, "rounds": rounds, "drained": drained, "watcher_stayed_up": alive and code == 0,
        "watcher_restarts_needed": 0 if alive else 1, "outcomes": dict(sorted(causes.items())),
        "seconds": round(time.monotonic() - started, 1), **_names_checks(home, log), **_verdict(home, ledger),
    }


def phase_faults(base: Path, docs: DocFactory, drops: int, waves: int, seed: int, kills: int = 2) -> dict[str, object]:
    home = make_workspace(base / "ws")
    ledger = Ledger(home)
    figures = fault_campaign(
        home, ledger, docs, drops=drops, waves=waves, seed=seed, log=base / "watch.log", external_kills=0.3,
        rounds_per_wave=kills, progress=lambda wave, r: _log(f"  faults wave {wave}: {r}"),
    )
    return {"drops": drops, **figures, **_verdict(home, ledger)}


class _Searcher(threading.Thread):
    def __init__(self, home: Path, number: int) -> None:
        super().__init__(daemon=True)
        self.workspace = open_workspace(home)
        self.number = number
        self.halt = threading.Event()
        self.searches = 0
        self.errors: list[str] = []
        self.seconds: list[float] = []

    def run(self) -> None:
        queries = ["giấy phép lao động", "QT-0001/LOAD", "lao dong nuoc ngoai", "Cấp giấy phép", "QT-1500/LOAD"]
        while not self.halt.is_set():
            started = time.monotonic()
            try:
                service.search(self.workspace, SearchRequest(query=queries[(self.searches + self.number) % 5]))
            except Exception as exc:  # noqa: BLE001 - counted and reported
                self.errors.append(f"{type(exc).__name__}: {exc}"[:300])
            self.seconds.append(time.monotonic() - started)
            self.searches += 1


def phase_load(base: Path, docs: DocFactory, files: int) -> dict[str, object]:
    home = make_workspace(base / "ws")
    ledger = Ledger(home)
    log = base / "watch.log"
    watcher = start_watcher(home, log, "--stable-seconds", "0.5", "--rescan-seconds", "5")
    _wait_started(log)
    offices = list(OFFICES)
    payloads = [(offices[n % 4], f"{code_for(n, 'LOAD').replace('/', '_')}.docx", docs.data(code_for(n, "LOAD")))
                for n in range(files)]  # built first: the search threads below hold the GIL much of the time
    searchers = [_Searcher(home, n) for n in range(4)]
    for searcher in searchers:
        searcher.start()
    started = time.monotonic()
    for office, name, data in payloads:
        ledger.write(office, name, data)
    dropped_in = time.monotonic() - started
    drained = _drain(home, watcher, 3600)
    burst_seconds = time.monotonic() - started
    # Two offices, the same codes, the same instant.
    for n in range(20):
        code = code_for(n, "SAME")
        ledger.write("LDVL", f"same {n}.docx", docs.data(code, 1, salt="LDVL"))
        ledger.write("NCC", f"same {n}.docx", docs.data(code, 1, salt="NCC"))
    drained = _drain(home, watcher, 300) and drained
    # One path rewritten in place while it is copied.
    versions = [docs.data(code_for(1, "REPL"), revision) for revision in (1, 2, 3, 4)]
    target = home / "inbox" / "VP" / "đang chép.docx"
    for round_ in range(3):
        for data in versions:
            with open(target, "wb") as handle:
                for start in range(0, len(data), 2048):
                    handle.write(data[start:start + 2048])
                    handle.flush()
                    time.sleep(0.01)
            time.sleep(0.2 if round_ < 2 else 0)
    ledger.record("VP", target.name, versions[-1])
    drained = _drain(home, watcher, 120) and drained
    for searcher in searchers:
        searcher.halt.set()
    for searcher in searchers:
        searcher.join(timeout=120)
    alive = watcher.poll() is None
    code = _stop(watcher)
    replaced = [r.sha256_bytes for r in revisions(home) if r.slug.startswith("qt-0001-repl")]
    complete = {sha256(v) for v in versions}
    times = sorted(t for s in searchers for t in s.seconds)
    # The replaced path's earlier complete versions may be committed too (each was whole and
    # stable for a moment): count them as drops of that path, not as unexplained revisions.
    extra = [sha for sha in replaced if sha != sha256(versions[-1])]
    for sha in extra:
        ledger.drops.append(Dropped("VP", target.name, sha, "earlier complete version"))
    verdict = _verdict(home, ledger)
    return {
        "files": files, "drop_seconds": round(dropped_in, 1), "burst_seconds": round(burst_seconds, 1),
        "files_per_second": round(files / burst_seconds, 1), "drained": drained,
        "watcher_stayed_up": alive and code == 0, "watcher_restarts_needed": 0 if alive else 1,
        "searches": sum(s.searches for s in searchers), "search_errors": sum(len(s.errors) for s in searchers),
        "search_error_samples": [e for s in searchers for e in s.errors][:3],
        "search_p50_ms": round(1000 * times[len(times) // 2], 1) if times else None,
        "search_p95_ms": round(1000 * times[int(len(times) * 0.95)], 1) if times else None,
        "replaced_file_revisions": len(replaced), "replaced_torn": sum(1 for s in replaced if s not in complete),
        **verdict,
    }


def phase_disk(base: Path, docs: DocFactory) -> dict[str, object]:
    mount = base / "disk"
    mount.mkdir(parents=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        return {"skipped": f"mount -t tmpfs not allowed: {done.stderr.decode(errors='replace').strip()}"}
    try:
        home = make_workspace(mount / "ws")
        ledger = Ledger(home)
        log = base / "watch.log"
        watcher = start_watcher(home, log, "--stable-seconds", "0.3", "--rescan-seconds", "1")
        _wait_started(log)
        for n in range(20):  # some history first
            ledger.write(list(OFFICES)[n % 4], f"trước {n}.docx", docs.data(code_for(n, "DISK")))
        _drain(home, watcher, 120)
        stats = os.statvfs(mount)
        filler = mount / "filler.bin"
        with open(filler, "wb") as handle:  # leave 400 kB: a few drops fit, the repository does not grow
            try:
                handle.write(b"\0" * max(0, stats.f_bavail * stats.f_frsize - 400_000))
            except OSError:
                pass
        refused_drops = 0
        for n in range(20, 120):  # drop until a drop no longer fits
            try:
                ledger.write(list(OFFICES)[n % 4], f"đầy {n}.docx", docs.data(code_for(n, "DISK")))
            except OSError:
                refused_drops += 1
                if refused_drops >= 3:
                    break
                time.sleep(1.0)
        time.sleep(8)  # the watcher meets ENOSPC (staging, git, journal, index) and must stay up
        alive_full = watcher.poll() is None
        errors_logged = log.read_text(encoding="utf-8", errors="replace").count("No space left")
        filler_free = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize
        waiting_when_full = inbox_waiting(home)
        for leftover in (home / "inbox").rglob(".drop-*"):
            leftover.unlink()
        filler.unlink()  # space comes back
        drained = _drain(home, watcher, 300)
        alive = watcher.poll() is None
        _stop(watcher)
        return {
            "drops_that_fit": len(ledger.drops), "drops_refused_by_the_full_disk": refused_drops,
            "free_bytes_when_full": filler_free, "waiting_when_full": waiting_when_full,
            "enospc_lines_logged": errors_logged,
            "watcher_stayed_up": alive_full and alive, "watcher_restarts_needed": 0 if alive_full and alive else 1,
            "drained": drained, **_verdict(home, ledger),
        }
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


# --- main -----------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small numbers (a few minutes)")
    parser.add_argument("--phases", default="hostile,names,faults,load,disk")
    parser.add_argument("--drops", type=int, default=None, help="files in the kill -9 campaign (default 400)")
    parser.add_argument("--waves", type=int, default=None, help="waves of the campaign (default 20)")
    parser.add_argument("--kills-per-wave", type=int, default=2, help="watcher kills after each wave (default 2)")
    parser.add_argument("--load-files", type=int, default=None, help="files dropped at once (default 2000)")
    parser.add_argument("--name-rounds", type=int, default=None, help="rounds of hostile names (default 10)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", type=Path, default=None, help="work here and keep the workspaces")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here too")
    args = parser.parse_args()
    drops = args.drops or (80 if args.quick else 400)
    waves = args.waves or (4 if args.quick else 20)
    load_files = args.load_files or (200 if args.quick else 2000)
    base = args.keep or Path(tempfile.mkdtemp(prefix="doccontrol-stress-"))
    base.mkdir(parents=True, exist_ok=True)
    docs = DocFactory(base / "templates")
    results: dict[str, object] = {"seed": args.seed, "quick": args.quick}
    for phase in [p.strip() for p in args.phases.split(",") if p.strip()]:
        _log(f"phase {phase} ...")
        started = time.monotonic()
        where = base / phase
        if where.exists():
            shutil.rmtree(where)
        if phase == "hostile":
            results[phase] = phase_hostile(where, docs, args.quick)
        elif phase == "names":
            results[phase] = phase_names(where, docs, args.name_rounds or (2 if args.quick else 10), args.seed)
        elif phase == "faults":
            results[phase] = phase_faults(where, docs, drops, waves, args.seed, args.kills_per_wave)
        elif phase == "load":
            results[phase] = phase_load(where, docs, load_files)
        elif phase == "disk":
            results[phase] = phase_disk(where, docs)
        else:
            parser.error(f"unknown phase {phase}")
        _log(f"phase {phase} done in {time.monotonic() - started:.0f}s: {json.dumps(results[phase], ensure_ascii=False)}")
    results["table"] = summary_table(results)
    text = json.dumps(results, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    if args.keep is None:
        shutil.rmtree(base, ignore_errors=True)
    return 0


def summary_table(results: dict[str, object]) -> dict[str, object]:
    """The figures of docs/reliability.md, summed over the phases that ran."""
    phases = [v for v in results.values() if isinstance(v, dict) and "accounting" in v]
    acc = [p["accounting"] for p in phases]
    faults = results.get("faults", {}) if isinstance(results.get("faults"), dict) else {}
    hostile = results.get("hostile", {}) if isinstance(results.get("hostile"), dict) else {}
    names = results.get("names", {}) if isinstance(results.get("names"), dict) else {}
    return {
        "files_dropped": sum(a["dropped"] for a in acc),
        "faults_injected": faults.get("faults_fired", 0),
        "bad_inputs_tried": hostile.get("bad_inputs_generated", 0) + hostile.get("corpus_files", 0),
        "hostile_names_tried": names.get("names_dropped", 0),
        "files_lost": sum(a["lost"] for a in acc),
        "duplicates": sum(a["twice"] for a in acc),
        "unexplained_revisions_or_copies": sum(a["unexplained"] for a in acc),
        "wrong_authors": sum(a["wrong_author"] for a in acc),
        "watcher_restarts_needed": sum(int(p.get("watcher_restarts_needed", 0)) for p in phases
                                       if isinstance(p, dict)),
        "watcher_restarts_after_kills": faults.get("watcher_restarts", 0),
        "fsck_clean_everywhere": all(p["fsck_ok"] for p in phases),
        "verify_healthy_everywhere": all(p["verify_ok"] for p in phases),
        "verify_healthy_after_first_search_everywhere": all(p["verify_ok_after_first_search"] for p in phases),
    }


if __name__ == "__main__":
    sys.exit(main())
