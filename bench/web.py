"""Benchmark: the web view's search, procedure and coverage pages over a large workspace.

    .venv/bin/python bench/web.py                       # 20,000 procedures (builds for several minutes)
    .venv/bin/python bench/web.py --n 2000              # smaller
    .venv/bin/python bench/web.py --dir /tmp/ws20k      # build there and keep it; reused when it exists

The workspace is built fast, without the extraction sandbox: specs from
``doccontrol.samples.generated_specs``, their text from ``spec_text``, metadata read from that text
given as the spec says (``doccontrol.metadata.read_metadata`` is checked to read the same from the
first 20 texts; it costs ~7 ms a text), the state made by ``pipeline.new_state`` as an ingest would,
every revision 1..N of each procedure committed through ``Transaction.commit_revision(...,
durable=False)`` in one ``Repository.write`` unit of work, made durable every 500 procedures; then a TTHC catalog (5,000 entries,
most cited by the procedures, some not: the coverage gap), the internal procedures declared, and
the search index rebuilt. Originals: building a real .docx takes ~85 ms, so only the first
``--real-docx`` procedures get one; the others store their text as a stand-in original (``.txt``)
— no timed page but the download reads originals, and downloads are timed on the real ones.

Then ``doccontrol serve`` runs as a subprocess on a free port and each page is fetched over HTTP
(one keep-alive connection, as a browser does) ``--requests`` times:

- search: a mix of words without diacritics, codes and TTHC codes, office and status filters;
- procedure: random procedures (metadata, TTHC names from the catalog, revisions, current text);
- coverage: the whole report (cached by the repository's HEAD commit: the first request computes
  it, the others reuse it — both are reported), and per office;
- diff (the last two revisions, and two older ones) and download (the original of the current
  revision, and of an old one);
- after a new commit (``--after-commit`` rounds, default 10): while the server runs, a new
  revision of a procedure with a real .docx is dropped into the inbox and loaded by
  ``doccontrol ingest --inbox`` (a process, as a clerk or the watcher does), then the first
  request of each page is timed: that procedure's page, its diff, the download of its new
  revision, and the page of a procedure viewed before the commit and of one never viewed.
  Writes to the workspace: run it on a copy of a shared one (``cp -a``).
- the master list (its first page, other pages, one office) and the status page;
- with ``--commits N`` (on a copy: it withdraws N procedures): N commits through the CLI while the
  server runs, each followed at once by the first request of the list, status and coverage pages
  (whole and per office): what a user sees right after a change.

A procedure's history is ``git log -- <folder>`` (one path: then git's changed-path Bloom filters
apply): without a commit-graph git walks every commit of the repository (1.7 s at 40,000
commits); with one carrying changed-path Bloom filters 0.13 s. Every unit of work of the
repository gateway adds its commits to that graph (``Transaction.end``); a workspace built by an
older version has none until its next write. ``--commit-graph write|remove`` measures either way.

Target: p95 < 200 ms per page. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
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

from doccontrol import service, workspace  # noqa: E402
from doccontrol.core.catalog import STATUS_ACTIVE, Tthc, catalog_to_json  # noqa: E402
from doccontrol.core.coverage import links_to_json  # noqa: E402
from doccontrol.core.metadata import read_metadata  # noqa: E402
from doccontrol.core.model import DocProperties, Drop, Metadata  # noqa: E402
from doccontrol.ingest.pipeline import new_state, text_digest  # noqa: E402
from doccontrol.demo.samples import build_docx, generated_specs, spec_text  # noqa: E402
from doccontrol.ingest.quarantine import sha256_file  # noqa: E402
from doccontrol.repo import layout, messages  # noqa: E402
from doccontrol.repo.gateway import Repository  # noqa: E402
from doccontrol.core.text import code_key  # noqa: E402

OFFICES = {"VP": "Văn phòng", "LDVL": "Phòng Lao động - Việc làm", "NCC": "Phòng Người có công",
           "BTXH": "Phòng Bảo trợ xã hội"}
CATALOG_SIZE = 5000
SEARCHES = ["tro cap that nghiep", "giay phep lao dong", "nguoi co cong", "bao tro xa hoi", "ho so",
            "kiem soat tai lieu", "tiep nhan ho so", "nguoi cao tuoi", "thờ cúng liệt sĩ", "trợ giúp xã hội",
            '"giấy phép lao động"', "danh gia noi bo", "cap lai", "mai tang phi", "viec lam"]


# --- building the workspace ---------------------------------------------------------------------------


def build(root: Path, n: int, real_docx: int, seed: int = 11, catalog_size: int = CATALOG_SIZE,
          index: bool = True, quiet: bool = False) -> None:
    """A workspace of ``n`` procedures (``bench/province.py`` builds its departments with it:
    a catalog of ``catalog_size``, no search index)."""
    rng = random.Random(seed)
    specs = generated_specs(n, seed=seed, offices=tuple(OFFICES))
    fields = {s.field: s.office for s in specs if s.field}
    ws = service.init(root, OFFICES, field_offices=fields)
    catalog_codes = [f"1.{number:06d}" for number in rng.sample(range(100, 14000), catalog_size)]
    cited: dict[str, tuple[str, str]] = {}  # TTHC code -> (name, field) of the first procedure citing it
    internal: list[str] = []
    scratch = Path(tempfile.mkdtemp(prefix="doccontrol-bench-web-"))
    started = time.perf_counter()
    commits = 0
    with Repository(ws) as repo, repo.write("VP", "bench build", update_index=False) as store:
        for number, spec in enumerate(specs):
            if spec.tthc:  # cite codes of the catalog (2 % cite a code it does not have)
                codes = tuple(dict.fromkeys(
                    f"2.{rng.randrange(0, 999999):06d}" if rng.random() < 0.02 else rng.choice(catalog_codes[:4600])
                    for _ in spec.tthc))
                spec = dataclasses.replace(spec, tthc=codes)
                for code in codes:
                    cited.setdefault(code, (spec.title, spec.field))
            else:
                internal.append(spec.code)
            key = code_key(spec.code)
            slug = store.new_slug(key)
            current = None
            for revision in range(1, spec.revision + 1):
                version = dataclasses.replace(
                    spec, revision=revision,
                    body_paragraphs=spec.body_paragraphs + tuple(
                        f"Sửa đổi lần {r}: điều chỉnh thời hạn giải quyết và thành phần hồ sơ." for r in range(2, revision + 1)))
                text = spec_text(version)
                if number < real_docx:
                    original = build_docx(version, scratch / "original.docx")
                    ext = "docx"
                else:
                    original = scratch / "original.txt"
                    original.write_bytes(text.encode("utf-8"))
                    ext = "txt"
                if number < 20:  # the metadata reader agrees with the spec (checked on a few: it costs ~7 ms)
                    read = read_metadata(text, DocProperties(title=version.title))
                    if (read.code_key, read.revision, read.tthc) != (key, revision, version.tthc):
                        raise SystemExit(f"the metadata reader read {read} for {version}")
                metadata = Metadata(code=spec.code, code_key=key, title=version.title, revision=revision,
                                    revision_stated=True, issued=version.issued, effective=version.effective,
                                    tthc=version.tthc)
                drop = Drop(office=spec.office, source_name=f"{spec.code.replace('/', '-')} lần {revision}.{ext}", ext=ext,
                            sha256=sha256_file(original), text_sha256=text_digest(text), metadata=metadata)
                current = new_state(drop, current, spec.office, slug)
                store.commit_revision(current, original.read_bytes(), text, spec.office, durable=False)
                commits += 1
            if number % 500 == 499:
                store.make_durable()
                if not quiet:
                    print(f"  {number + 1} procedures, {commits} revisions, {time.perf_counter() - started:.0f} s",
                      file=sys.stderr)
        store.make_durable()
        catalog = {}
        for code in catalog_codes:
            name, field = cited.get(code) or (f"Thủ tục chưa có quy trình số {code}", rng.choice(sorted(fields)))
            catalog[code] = Tthc(code=code, name=name, field=field, agency="Sở Lao động - Thương binh và Xã hội",
                                 level="Cấp tỉnh", status=STATUS_ACTIVE)
        store.commit_files({layout.CATALOG_FILE: catalog_to_json(catalog).encode("utf-8")},
                           "Danh mục TTHC: bench", {"Action": messages.CATALOG_IMPORT})
        store.commit_files({layout.LINKS_FILE: links_to_json({}, internal).encode("utf-8")},
                           "Quy trình nội bộ: bench", {"Action": messages.LINK})
    print(f"built {n} procedures, {commits} revisions in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if not index:
        return
    started = time.perf_counter()
    documents = service.reindex(ws)
    print(f"indexed {documents} revisions in {time.perf_counter() - started:.0f} s", file=sys.stderr)


# --- timing ----------------------------------------------------------------------------------------------


def serve(root: Path) -> tuple[subprocess.Popen[str], int, Path]:
    log = Path(tempfile.mkstemp(prefix="doccontrol-serve-", suffix=".log")[1])
    process = subprocess.Popen(
        [sys.executable, "-m", "doccontrol", "--home", str(root), "serve", "--port", "0"],
        stdout=subprocess.DEVNULL, stderr=open(log, "w"), stdin=subprocess.DEVNULL,  # noqa: SIM115
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text(encoding="utf-8"))
        if match:
            return process, int(match.group(1)), log
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit(f"doccontrol serve did not start: {log.read_text(encoding='utf-8')}")


def fetch(connection: http.client.HTTPConnection, path: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    return (time.perf_counter() - started) * 1000, response.status, len(body)


def summary(name: str, times: list[float], sizes: list[int], statuses: set[int]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    print(f"{name:36} n={len(times):4}  median {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  "
          f"max {ordered[-1]:7.1f} ms  page {statistics.median(sizes) / 1024:7.0f} KB  status {sorted(statuses)}")


def run(connection: http.client.HTTPConnection, name: str, paths: list[str]) -> None:
    times, sizes, statuses = [], [], set()
    for path in paths:
        elapsed, status, size = fetch(connection, path)
        times.append(elapsed)
        sizes.append(size)
        statuses.add(status)
    summary(name, times, sizes, statuses)


def measure(root: Path, requests: int, real_docx: int, seed: int = 5, commits: int = 0,
            after_rounds: int = 0) -> None:
    rng = random.Random(seed)
    ws = workspace.load(root)
    states = service.procedures(ws, status="all")
    print(f"workspace {root}: {len(states)} procedures", file=sys.stderr)
    index = service.index_freshness(ws, check_files=True).as_json()
    if index.get("state") != "current":  # e.g. built by an older index format: a search would rebuild it
        started = time.perf_counter()
        documents = service.reindex(ws)
        print(f"index was {index.get('state')}: rebuilt {documents} revisions in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
    process, port, log = serve(root)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        fetch(connection, "/")  # connection and first-request set-up
        searches = []
        for i in range(requests):
            other = rng.choice(states)
            query = rng.choice(SEARCHES + [other.code, other.tthc[0] if other.tthc else "ho so"])
            args = {"q": query}
            if i % 4 == 1:
                args["office"] = rng.choice(list(OFFICES))
            if i % 5 == 2:
                args["status"] = "all"
            searches.append("/?" + urlencode(args))
        run(connection, "search", searches)
        picks = rng.sample(states, min(requests, len(states)))
        run(connection, "procedure (first view)", [f"/procedure/{quote(s.code, safe='/')}" for s in picks])
        run(connection, "procedure (again)", [f"/procedure/{quote(s.code, safe='/')}" for s in picks[: requests // 4]])
        revised = [s for s in states if s.revision > 1]
        run(connection, "diff (last two revisions)",
            [f"/diff/{quote(s.code, safe='/')}" for s in rng.sample(revised, min(requests // 4, len(revised)))])
        older = [s for s in states if s.revision > 2]
        if older:
            run(connection, "diff (two older revisions)",
                [f"/diff/{quote(s.code, safe='/')}?from=1&to=2" for s in rng.sample(older, min(requests // 4, len(older)))])
        real = [s for s in states if s.ext == "docx"]
        if real:
            run(connection, "download (.docx, current)",
                [f"/download/{s.revision}/{quote(s.code, safe='/')}" for s in rng.sample(real, min(requests // 4, len(real)))])
            old_real = [s for s in real if s.revision > 1]
            run(connection, "download (.docx, lần 1)",
                [f"/download/1/{quote(s.code, safe='/')}" for s in rng.sample(old_real, min(requests // 4, len(old_real)))])
        if after_rounds:
            seen = {s.code for s in picks}
            fresh = [s for s in rng.sample(states, min(len(states), 4 * after_rounds + len(seen))) if s.code not in seen]
            after_commit(connection, root, after_rounds, [s for s in real if s.code not in seen], picks, fresh, len(states))
        cold, status, size = fetch(connection, "/coverage")
        print(f"{'coverage (first: computes)':28} {cold:7.1f} ms  page {size / 1024:.0f} KB  status {status}")
        run(connection, "coverage (cached)", ["/coverage"] * requests)
        for office in OFFICES:
            cold, status, size = fetch(connection, f"/coverage?office={office}")
            print(f"{'coverage ' + office + ' (first)':28} {cold:7.1f} ms  page {size / 1024:.0f} KB  status {status}")
        run(connection, "coverage per office (cached)", [f"/coverage?office={rng.choice(list(OFFICES))}" for _ in range(requests)])
        run(connection, "master list (all offices)", ["/list"] * 5)
        run(connection, "master list (other pages)", [f"/list?page={rng.randrange(1, 41)}" for _ in range(20)])
        run(connection, "master list (one office)", [f"/list?office={rng.choice(list(OFFICES))}" for _ in range(20)])
        run(connection, "status", ["/status"] * 10)
        if commits:
            after_commits(connection, root, [s for s in states if s.status == "current"], commits, rng)
        connection.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.unlink(missing_ok=True)


AFTER_COMMIT = ["/list", "/status", "/coverage", *(f"/coverage?office={office}" for office in OFFICES)]


def after_commits(connection: http.client.HTTPConnection, root: Path, current: list, rounds: int,
                  rng: random.Random) -> None:
    """``rounds`` times: a commit through the CLI while the server runs (a procedure withdrawn:
    the master list, the status counts and coverage all change), then at once the first request
    of each page of :data:`AFTER_COMMIT` (the server learns of the commit only by itself). The
    workspace is changed: run this on a copy."""
    times: dict[str, list[float]] = {path: [] for path in AFTER_COMMIT}
    sizes: dict[str, list[int]] = {path: [] for path in AFTER_COMMIT}
    statuses: dict[str, set[int]] = {path: set() for path in AFTER_COMMIT}
    commit_times = []
    for state in rng.sample(current, rounds):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "doccontrol", "--home", str(root), "withdraw", state.code,
                        "--reason", "Bãi bỏ (bench/web.py)"], check=True, capture_output=True, stdin=subprocess.DEVNULL)
        commit_times.append(time.perf_counter() - started)
        for path in AFTER_COMMIT:
            elapsed, status, size = fetch(connection, path)
            times[path].append(elapsed)
            sizes[path].append(size)
            statuses[path].add(status)
    print(f"after a commit through the CLI ({rounds} commits, {statistics.median(commit_times):.1f} s each), "
          f"the first request of each page:")
    for path in AFTER_COMMIT:
        summary(f"  first {path}", times[path], sizes[path], statuses[path])


def _new_revision(root: Path, state: object, specs: dict[str, object], scratch: Path) -> Path:
    """Drop the next revision of ``state`` (a procedure built with a real .docx) into its office's inbox."""
    spec = specs[state.code]  # type: ignore[attr-defined]
    revision = state.revision + 1  # type: ignore[attr-defined]
    version = dataclasses.replace(
        spec, revision=revision, tthc=state.tthc,  # type: ignore[attr-defined]
        body_paragraphs=spec.body_paragraphs + tuple(  # type: ignore[attr-defined]
            f"Sửa đổi lần {r}: điều chỉnh thời hạn giải quyết và thành phần hồ sơ." for r in range(2, revision + 1)))
    built = build_docx(version, scratch / "next.docx")
    target = root / "inbox" / state.office / f"{spec.code.replace('/', '-')} lần {revision}.docx"  # type: ignore[attr-defined]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(built.read_bytes())
    return target


def after_commit(connection: http.client.HTTPConnection, root: Path, rounds: int, real: list, viewed: list,
                 unseen: list, n: int) -> None:
    """``rounds`` times: a new revision loaded by ``doccontrol ingest --inbox`` while the server runs,
    then the first request of each page after it (see the module's docstring)."""
    if not real or rounds <= 0:
        return
    specs = {s.code: s for s in generated_specs(n, seed=11, offices=tuple(OFFICES))[: len(real) + 1000]}
    scratch = Path(tempfile.mkdtemp(prefix="doccontrol-bench-web-next-"))
    kinds = ("procedure (its page)", "diff (its last two)", "download (its new one)",
             "procedure (viewed before)", "procedure (never viewed)")
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    sizes: dict[str, list[int]] = {kind: [] for kind in kinds}
    statuses: dict[str, set[int]] = {kind: set() for kind in kinds}
    ingests = []
    for number in range(rounds):
        state = real[number % len(real)]
        if state.code not in specs:
            continue
        _new_revision(root, state, specs, scratch)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "doccontrol", "--home", str(root), "ingest", "--inbox", "--json"],
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        ingests.append(time.perf_counter() - started)
        if done.returncode != 0 or '"ingested"' not in done.stdout:
            print(f"ingest of {state.code} r{state.revision + 1} failed: {done.stdout[-500:]} {done.stderr[-500:]}",
                  file=sys.stderr)
            continue
        code = quote(state.code, safe="/")
        paths = (f"/procedure/{code}", f"/diff/{code}", f"/download/{state.revision + 1}/{code}",
                 f"/procedure/{quote(viewed[number % len(viewed)].code, safe='/')}",
                 f"/procedure/{quote(unseen[number % len(unseen)].code, safe='/')}")
        for kind, path in zip(kinds, paths):
            elapsed, status, size = fetch(connection, path)
            times[kind].append(elapsed)
            sizes[kind].append(size)
            statuses[kind].add(status)
    print(f"after a new commit: {len(ingests)} × `doccontrol ingest --inbox` of one .docx, "
          f"median {statistics.median(ingests):.1f} s (not timed below)")
    for kind in kinds:
        if times[kind]:
            summary("  first after: " + kind, times[kind], sizes[kind], statuses[kind])


def commit_graph(root: Path, action: str) -> str:
    """Write or remove the repository's commit-graph (with changed-path Bloom filters), or leave it;
    say which there is. ``git log -- PATH`` (a procedure's history) walks every commit without one."""
    git_dir = root / "procedures" / ".git" / "objects" / "info"
    files = [git_dir / "commit-graph", git_dir / "commit-graphs"]
    if action == "remove":
        for path in files:
            if path.is_dir():
                import shutil

                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
    elif action == "write":
        started = time.perf_counter()
        subprocess.run(["git", "-C", str(root / "procedures"), "commit-graph", "write", "--reachable", "--changed-paths"],
                       check=True, capture_output=True)
        print(f"wrote the commit-graph in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return "yes" if any(path.exists() for path in files) else "no"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20000, help="procedures to generate")
    parser.add_argument("--dir", type=Path, help="build the workspace here and keep it (reused when it exists)")
    parser.add_argument("--requests", type=int, default=200, help="requests per page kind")
    parser.add_argument("--real-docx", type=int, default=100, help="procedures given a real .docx original")
    parser.add_argument("--commits", type=int, default=0,
                        help="then make this many commits through the CLI (withdrawals: CHANGES the workspace, use a "
                             "copy) and time the first request of the list, status and coverage pages after each")
    parser.add_argument("--after-commit", type=int, default=10,
                        help="rounds of a new commit (ingest of one file) while serving, each followed by the first "
                             "request of each page (0: none; writes to the workspace)")
    parser.add_argument("--commit-graph", choices=("as-is", "write", "remove"), default="as-is",
                        help="git commit-graph with changed-path filters (the gateway writes it after each unit of work)")
    args = parser.parse_args()
    root = (args.dir or Path(tempfile.mkdtemp(prefix="doccontrol-bench-web-")) / "ws").resolve()
    if not (root / workspace.CONFIG_NAME).exists():
        build(root, args.n, args.real_docx)
    graph = commit_graph(root, args.commit_graph)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; commit-graph: {graph}", file=sys.stderr)
    measure(root, args.requests, args.real_docx, commits=args.commits, after_rounds=args.after_commit)
    if args.dir is None:
        print(f"(workspace left at {root}; delete it when done)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
