"""Metadata reader benchmark: milliseconds per text for ``read_metadata`` (runs on every ingest).

    .venv/bin/python bench/metadata.py                 # demo set + 200 generated, ~8 KB each
    .venv/bin/python bench/metadata.py --n 500 --bytes 20000 --repeat 5

Texts are what the extract stage gives (``doccontrol.demo.samples.spec_text``): the demo
procedures and ``--n`` generated ones padded to ``--bytes`` (every layout and code style),
plus the same texts wrapped as a PDF extractor gives them (table cells on lines of their own,
long lines cut at 90 characters). Each text is read ``--repeat`` times and its fastest CPU time (``time.thread_time``) kept;
the median, p95 and mean per text are printed for each set, with the process CPU time. Figures are printed, never
asserted; the load average is printed too (a shared machine).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from doccontrol.core.metadata import read_metadata  # noqa: E402
from doccontrol.core.model import DocProperties  # noqa: E402
from doccontrol.demo.samples import demo_specs, generated_specs, spec_text  # noqa: E402


def pdf_like(text: str) -> str:
    """Roughly what a PDF's text layer gives: cells on one line with spaces, lines wrapped."""
    out: list[str] = []
    for line in text.split("\n"):
        out.extend(textwrap.wrap(line.replace(" | ", " "), 90) or [""])
    return "\n".join(out)


def timed(texts: list[str], repeat: int) -> list[float]:
    """Milliseconds of CPU time per text (the fastest of ``repeat`` reads: on a shared machine
    the others were interrupted)."""
    props = DocProperties()
    per_text: list[float] = []
    for text in texts:
        best = []
        for _ in range(repeat):
            start = time.thread_time()
            read_metadata(text, props)
            best.append(time.thread_time() - start)
        per_text.append(min(best) * 1000)
    return per_text


def report(name: str, figures: list[float], size: float) -> None:
    figures = sorted(figures)
    p95 = figures[min(len(figures) - 1, int(len(figures) * 0.95))]
    print(f"{name:<22} {len(figures):>5} texts  {size / 1000:6.1f} KB avg  "
          f"median {statistics.median(figures):6.2f} ms  p95 {p95:6.2f} ms  "
          f"mean {statistics.fmean(figures):6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200, help="generated procedures (default 200)")
    parser.add_argument("--bytes", type=int, default=8000, help="size of a generated text (default 8000)")
    parser.add_argument("--repeat", type=int, default=5, help="reads per text (default 5)")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    sets = {
        "demo (docx text)": [spec_text(s) for s in demo_specs()],
        "generated (docx text)": [spec_text(s) for s in generated_specs(args.n, seed=args.seed,
                                                                         target_bytes=args.bytes)],
    }
    sets["demo (pdf-like)"] = [pdf_like(t) for t in sets["demo (docx text)"]]
    sets["generated (pdf-like)"] = [pdf_like(t) for t in sets["generated (docx text)"]]
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")
    cpu = time.process_time()
    for name, texts in sets.items():
        figures = timed(texts, args.repeat)
        report(name, figures, statistics.fmean(len(t.encode("utf-8")) for t in texts))
    print(f"CPU time {time.process_time() - cpu:.1f} s")


if __name__ == "__main__":
    main()
