"""Search benchmark: index N generated procedures, time queries, a rebuild and ``git grep``.

    .venv/bin/python bench/search.py              # N=20000, ~8 KB each (a few minutes)
    .venv/bin/python bench/search.py --n 2000 --profile
    .venv/bin/python bench/search.py --n 100000 --engine tantivy --no-grep   # the province's engine

Measures in one run:

- full rebuild (``SearchBackend.rebuild`` into a new generation, swapped in): wall and CPU
  time, index size; what a verifier pays (``doc_fingerprints``, ``check``);
- latency of a fixed query mix (with and without diacritics, phrases, codes, filters, common
  and rare words) through ``SearchBackend.search``, snippets included, two ways:
  *warm*: one long-lived backend (a web view, a watcher), each query repeated ``--repeat``
  times after one warm-up pass; *cold*: a new backend for every query, which opens the index
  (what one ``doccontrol search`` process does, without interpreter start-up);
- the same queries as ``git grep -i -l -F`` over the same texts committed to a temporary git
  repository (what a user would do without the tool), with the number of files it lists;
- optionally (``--profile``) a cProfile summary of the warm and the cold query runs.

Targets (2 cores): median ≤ 40 ms, p95 ≤ 150 ms, rebuild ≤ 120 s.  Figures are printed, never
asserted.  The machine's load average is printed too: on a shared machine, wall times grow
with it (CPU times less so).

Texts come from ``doccontrol.samples.generated_specs(n, seed, target_bytes=8000)`` and
``spec_text``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from doccontrol.demo import samples
from doccontrol.search import IndexDoc, SearchRequest, make_doc_id, open_backend
from doccontrol.core.text import code_key, fold, slugify


@dataclass(frozen=True)
class Corpus:
    docs: list[IndexDoc]
    specs: list[samples.ProcedureSpec]


def build_corpus(n: int, seed: int) -> Corpus:
    specs = samples.generated_specs(n, seed, target_bytes=8000)
    docs = []
    for spec in specs:
        slug = slugify(spec.code)
        docs.append(IndexDoc(
            doc_id=make_doc_id(slug, spec.revision), slug=slug, code=spec.code,
            code_key=code_key(spec.code), office=spec.office, title=spec.title,
            revision=spec.revision, status="current", text=samples.spec_text(spec),
            tthc=spec.tthc, issued=spec.issued.isoformat() if spec.issued else "",
        ))
    return Corpus(docs, specs)


_NAME = re.compile(r"Họ và tên \| ([^|\n]+?) \|")
_DECISION = re.compile(r"Quyết định số (\d+/QĐ-[^\s]+)")


def query_mix(corpus: Corpus, seed: int) -> list[tuple[str, str]]:
    """(kind, query): common and rare words, with and without diacritics, phrases, codes."""
    rng = random.Random(seed + 1)
    docs = corpus.docs
    pick = [docs[rng.randrange(len(docs))] for _ in range(8)]
    with_tthc = [d for d in docs if d.tthc] or docs
    tthc_doc = with_tthc[rng.randrange(len(with_tthc))]
    names = [m.group(1).strip() for d in pick for m in [_NAME.search(d.text)] if m]
    decisions = [m.group(1) for d in pick for m in [_DECISION.search(d.text)] if m]
    return [
        ("common", "hồ sơ"),
        ("common", "thủ tục hành chính"),
        ("common-folded", "thu tuc hanh chinh"),
        ("common", "giải quyết hồ sơ đề nghị"),
        ("topic", "trợ cấp thất nghiệp"),
        ("topic-folded", "tro cap that nghiep"),
        ("topic", "người có công với cách mạng"),
        ("topic-folded", "co so tro giup xa hoi"),
        ("topic", "giấy phép lao động người nước ngoài"),
        ("tone-old", "điều dưỡng phục hồi sức khỏe"),
        ("tone-new", "thoả ước lao động tập thể"),
        ("trap", "mộ liệt sĩ"),
        ("phrase", '"bộ phận một cửa"'),
        ("phrase", '"giấy phép lao động"'),
        ("phrase-folded", '"tro cap mot lan"'),
        ("filter", "office:NCC liệt sĩ"),
        ("title", pick[0].title),
        ("title-folded", fold(pick[1].title)),
        ("code", pick[2].code),
        ("code-folded", fold(pick[3].code).lower()),
        ("tthc", tthc_doc.tthc[0]),
        ("rare-name", f'"{names[0]}"' if names else "Nguyễn Văn"),
        ("rare-decision", decisions[0] if decisions else "340/QĐ-SLĐTBXH"),
        ("rare+common", f"{fold(names[1]) if len(names) > 1 else 'mai'} hồ sơ"),
        ("one-letter", "ý kiến nhà ở"),
        ("absent", "xyzzy không tồn tại"),
    ]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def grep_pattern(query: str) -> str:
    """What a user would grep for: the query text without our syntax."""
    words = [w for w in query.replace('"', "").split() if ":" not in w]
    return " ".join(words) or query


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def summary(label: str, times: list[float]) -> str:
    return (f"{label}: median {statistics.median(times):.1f} ms (target ≤ 40), "
            f"p95 {percentile(times, 0.95):.1f} ms (target ≤ 150), max {max(times):.1f} ms, "
            f"{len(times)} runs")


def profile_text(profiler: cProfile.Profile, lines: int = 25) -> str:
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(lines)
    return stream.getvalue()


def run_grep(corpus: Corpus, queries: list[tuple[str, str]], work: Path,
             repeat: int) -> dict[str, tuple[float, int]]:
    repo = work / "grep-repo"
    repo.mkdir()
    for d in corpus.docs:
        (repo / f"{d.slug}.txt").write_text(d.text, encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@invalid"}
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "t"]):
        subprocess.run(cmd, cwd=repo, check=True, env=env)
    out: dict[str, tuple[float, int]] = {}
    for _, q in queries:
        runs = []
        files = 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            done = subprocess.run(["git", "grep", "-i", "-l", "-F", "-e", grep_pattern(q)],
                                  cwd=repo, capture_output=True, env=env)
            runs.append((time.perf_counter() - t0) * 1000)
            files = len(done.stdout.splitlines())
        out[q] = (statistics.median(runs), files)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--n", type=int, default=20000, help="procedures (default 20000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="warm runs of each query")
    parser.add_argument("--procs", type=int, default=None, help="writer processes")
    parser.add_argument("--profile", action="store_true", help="cProfile the query runs")
    parser.add_argument("--no-grep", action="store_true")
    parser.add_argument("--keep", type=Path, default=None, help="build the index here; keep it")
    parser.add_argument("--engine", choices=("whoosh", "tantivy"), default="whoosh",
                        help="the search engine measured ([search] engine)")
    args = parser.parse_args(argv)

    print(f"doccontrol search benchmark ({args.engine}): N={args.n}, seed={args.seed}, {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}, load {load()}")
    t0 = time.perf_counter()
    corpus = build_corpus(args.n, args.seed)
    text_bytes = sum(len(d.text.encode("utf-8")) for d in corpus.docs)
    print(f"texts: {len(corpus.docs)} from doccontrol.samples, {text_bytes / 1e6:.1f} MB, "
          f"{text_bytes / max(len(corpus.docs), 1) / 1000:.1f} KB each, "
          f"generated in {time.perf_counter() - t0:.1f} s")

    work = Path(tempfile.mkdtemp(prefix="dc-bench-search-"))
    index_dir = args.keep or work / "index"
    if args.keep and index_dir.exists():
        shutil.rmtree(index_dir)
    try:
        import doccontrol.search.tantivy_backend  # noqa: F401 - imports are not search time
        import doccontrol.search.whoosh_backend  # noqa: F401

        backend = open_backend(index_dir, args.engine)
        cpu0, t0 = cpu_seconds(), time.perf_counter()
        options = {"procs": args.procs} if args.engine == "whoosh" else {}  # tantivy's writer has its own threads
        backend.rebuild(corpus.docs, commit="bench", **options)
        rebuild_s, rebuild_cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
        size = du(index_dir)
        print(f"rebuild: {rebuild_s:.1f} s wall (target ≤ 120 s), {rebuild_cpu:.1f} s CPU "
              f"(all processes); index {size / 1e6:.1f} MB ({size / max(text_bytes, 1):.2f} × "
              f"the text); load {load()}")

        verifier = open_backend(index_dir, args.engine)
        t0 = time.perf_counter()
        prints = verifier.doc_fingerprints()
        t1 = time.perf_counter()
        problems = verifier.check()
        t2 = time.perf_counter()
        print(f"verify: doc_fingerprints {t1 - t0:.2f} s ({len(prints)} docs), "
              f"check (sha256 of every index file) {t2 - t1:.2f} s, problems: {problems or 'none'}")

        queries = query_mix(corpus, args.seed)
        cold_profiler = cProfile.Profile() if args.profile else None
        cold: dict[str, float] = {}
        cold_cpu: list[float] = []
        hits_of: dict[str, int] = {}
        for _, q in queries:
            if cold_profiler:
                cold_profiler.enable()
            c0, t0 = time.process_time(), time.perf_counter()
            hits = open_backend(index_dir, args.engine).search(SearchRequest(q))
            cold[q] = (time.perf_counter() - t0) * 1000
            cold_cpu.append((time.process_time() - c0) * 1000)
            if cold_profiler:
                cold_profiler.disable()
            hits_of[q] = len(hits)

        warm_backend = open_backend(index_dir, args.engine)
        for _, q in queries:  # warm-up pass
            warm_backend.search(SearchRequest(q))
        warm: dict[str, list[float]] = {q: [] for _, q in queries}
        warm_cpu: list[float] = []
        warm_profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.repeat):
            for _, q in queries:
                if warm_profiler:
                    warm_profiler.enable()
                c0, t0 = time.process_time(), time.perf_counter()
                warm_backend.search(SearchRequest(q))
                warm[q].append((time.perf_counter() - t0) * 1000)
                warm_cpu.append((time.process_time() - c0) * 1000)
                if warm_profiler:
                    warm_profiler.disable()
        all_warm = [t for ts in warm.values() for t in ts]
        print()
        print(summary("search, warm (long-lived backend), wall", all_warm))
        print(summary("search, warm, CPU of the searching process", warm_cpu))
        print(summary("search, cold (new backend: open index + search), wall", list(cold.values())))
        print(summary("search, cold, CPU", cold_cpu))
        print(f"load {load()}")

        grep: dict[str, tuple[float, int]] = {}
        if not args.no_grep and shutil.which("git"):
            grep = run_grep(corpus, queries, work, repeat=min(3, max(1, args.repeat)))
            gt = [t for t, _ in grep.values()]
            print(f"git grep -i -l -F over the same texts: median {statistics.median(gt):.1f} ms, "
                  f"p95 {percentile(gt, 0.95):.1f} ms")

        print(f"\n{'kind':<14} {'warm ms':>8} {'cold ms':>8} {'hits':>5} {'grep ms':>8} "
              f"{'files':>6}  query")
        for kind, q in queries:
            gms, gfiles = grep.get(q, (float("nan"), 0))
            print(f"{kind:<14} {statistics.median(warm[q]):8.1f} {cold[q]:8.1f} "
                  f"{hits_of[q]:5d} {gms:8.1f} {gfiles:6d}  {q}")
        if warm_profiler and cold_profiler:
            print("\ncProfile, warm searches (cumulative):\n" + profile_text(warm_profiler))
            print("\ncProfile, cold searches (cumulative):\n" + profile_text(cold_profiler))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
