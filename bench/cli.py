"""Benchmark: whole ``doccontrol`` processes, as a user at a terminal feels them (issue 15).

    .venv/bin/python bench/cli.py --small /tmp/ws300 --large /tmp/ws20k      # built there when missing
    .venv/bin/python bench/cli.py --small /tmp/ws300 --large /tmp/ws20k --runs 31 --word "thu tuc"
    .venv/bin/python bench/cli.py --small /tmp/ws300 --large /tmp/ws20k --baseline /tmp/old   # vs an older tree
    .venv/bin/python bench/cli.py --small /tmp/ws300 --large /tmp/ws20k --exe /tmp/venv/bin/doccontrol  # as installed

Times, as whole processes started from here (``python -m doccontrol ...``, interpreter start-up
included), interleaved round by round so that a busy machine weighs on every command alike:

- ``doccontrol --help``, ``status`` and ``list`` on the small workspace (300 procedures);
- ``doccontrol search WORD`` on the large one (20,000 procedures), and ``git grep -i -l WORD``
  over the same repository's working tree in the same rounds (the comparison of issue 15).

A workspace that does not exist is built by ``bench/web.py``'s builder (20,000 procedures take
about ten minutes on two cores). Each command is run once before the rounds (the index brought
up to date, the operating system's caches warm). The machine's load (1-minute average) is printed
before and after. Beside the wall time, the CPU time (user + system) of each process and its
children: on a machine shared with other work it varies far less than the wall time.
``--baseline DIR`` runs the same doccontrol commands from another source tree (``PYTHONPATH=DIR``,
e.g. ``git archive OLD doccontrol | tar -x -C DIR``) in the same rounds. ``--exe PATH`` times a
``doccontrol`` console script (what a user runs) instead of ``python -m doccontrol``. The first line
printed says what was timed: which interpreter, which ``doccontrol`` it imports and how it is
installed (an editable install, ``pip install -e``, runs its import hook in every process: about
20 ms before doccontrol starts). Targets (issue 15): ≤ 100 ms median for ``--help``/``status``/``list``;
≤ 150 ms median for ``search`` and at least 2× faster than ``git grep``. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web import build  # noqa: E402  (bench/web.py: the fast workspace builder)

from doccontrol import workspace  # noqa: E402

TARGETS = {"--help": 100.0, "status": 100.0, "list": 100.0, "search": 150.0}


def ensure(root: Path, n: int) -> Path:
    root = root.resolve()
    if not (root / workspace.CONFIG_NAME).exists():
        print(f"building {n} procedures at {root} ...", file=sys.stderr)
        build(root, n, real_docx=min(100, n))
    return root


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(wall ms, CPU ms of the process and its children, exit code) of one run."""
    cpu, started = _cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          stdin=subprocess.DEVNULL, env=env)
    return (time.perf_counter() - started) * 1000, (_cpu() - cpu) * 1000, done.returncode


Command = tuple[list[str], Path | None, dict[str, str] | None]


# Run by the interpreter that runs doccontrol: which doccontrol it imports and how that is installed.
_PROBE = """
import json, sys
from importlib import metadata
import doccontrol
try:
    dist = metadata.distribution("doccontrol")
    direct = json.loads(dist.read_text("direct_url.json") or "{}")
    kind = "editable" if direct.get("dir_info", {}).get("editable") else "normal"
    hook = any(str(f).startswith("__editable__") for f in dist.files or ())
except metadata.PackageNotFoundError:
    kind, hook = "not installed", False
print(json.dumps({"file": doccontrol.__file__, "kind": kind, "hook": hook, "python": sys.executable}))
"""


def interpreter_of(exe: Path) -> str:
    """The interpreter a console script runs with (its ``#!`` line)."""
    first = exe.read_bytes().split(b"\n", 1)[0].decode()
    if not first.startswith("#!"):
        raise SystemExit(f"{exe}: not a console script (no #! line)")
    return first[2:].strip()


def what_is_timed(python: str, launcher: str, env: dict[str, str] | None = None) -> str:
    """One line: the launcher, the doccontrol it imports and the kind of install (an editable
    install's import hook runs at every start, whichever tree PYTHONPATH puts first)."""
    done = subprocess.run([python, "-c", _PROBE], capture_output=True, text=True, env=env, cwd="/", check=True)
    found = json.loads(done.stdout)
    hook = "; its import hook runs at every start" if found["hook"] else ""
    path = (env or os.environ).get("PYTHONPATH")
    via = f" (PYTHONPATH={path})" if path else ""
    return f"{launcher}: imports {Path(found['file']).parent}{via}; doccontrol installed: {found['kind']}{hook}"


def commands(small: Path, large: Path, word: str, baseline: Path | None, exe: Path | None = None) -> dict[str, Command]:
    doccontrol = [str(exe)] if exe is not None else [sys.executable, "-m", "doccontrol"]
    ours = {
        "--help": [*doccontrol, "--help"],
        "status": [*doccontrol, "--home", str(small), "status"],
        "list": [*doccontrol, "--home", str(small), "list"],
        "search": [*doccontrol, "--home", str(large), "search", word],
    }
    # Run from the workspace's folder, never from a source tree: ``python -m`` puts the current folder
    # first on sys.path, so run from a checkout it would import that checkout's doccontrol whatever
    # PYTHONPATH says (and --baseline would time the same code twice).
    neutral = small.parent
    table: dict[str, Command] = {name: (command, neutral, None) for name, command in ours.items()}
    table["git grep -i -l"] = (["git", "grep", "-i", "-l", word], large / "procedures", None)
    if baseline is not None:
        env = {**os.environ, "PYTHONPATH": str(baseline.resolve())}
        table.update({f"{name} (baseline)": (command, neutral, env) for name, command in ours.items()})
    return table


def report(times: dict[str, list[float]], cpus: dict[str, list[float]], codes: dict[str, set[int]]) -> None:
    print(f"{'command':24} {'runs':>4} {'median':>9} {'p95':>9} {'min':>9} {'cpu med':>9}  target          exit")
    for name, values in times.items():
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        target = TARGETS.get(name)
        verdict = "" if target is None else ("≤ %.0f ms %s" % (target, "met" if statistics.median(values) <= target else "MISSED"))
        print(f"{name:24} {len(values):4d} {statistics.median(values):7.1f}ms {p95:7.1f}ms {ordered[0]:7.1f}ms "
              f"{statistics.median(cpus[name]):7.1f}ms  {verdict:15} {sorted(codes[name])}")
    ratio = statistics.median(times["git grep -i -l"]) / statistics.median(times["search"])
    print(f"search vs git grep (medians, same rounds): {ratio:.2f}× {'faster' if ratio >= 1 else 'slower'} "
          f"(target ≥ 2×: {'met' if ratio >= 2 else 'MISSED'})")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--small", type=Path, required=True, help="workspace of --small-n procedures")
    parser.add_argument("--large", type=Path, required=True, help="workspace of --large-n procedures")
    parser.add_argument("--small-n", type=int, default=300)
    parser.add_argument("--large-n", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=21, help="rounds (each command once per round)")
    parser.add_argument("--word", default="ho so", help="what to search (and git grep) for")
    parser.add_argument("--baseline", type=Path, help="another doccontrol source tree to time in the same rounds")
    parser.add_argument("--exe", type=Path, help="a doccontrol console script to time (default: python -m doccontrol)")
    args = parser.parse_args()
    small, large = ensure(args.small, args.small_n), ensure(args.large, args.large_n)
    table = commands(small, large, args.word, args.baseline, args.exe)
    python = interpreter_of(args.exe) if args.exe is not None else sys.executable
    launcher = str(args.exe) if args.exe is not None else f"{sys.executable} -m doccontrol"
    timed_what = [what_is_timed(python, launcher)]
    if args.baseline is not None:
        env = {**os.environ, "PYTHONPATH": str(args.baseline.resolve())}
        timed_what.append("baseline: " + what_is_timed(python, launcher, env))
    for command, cwd, env in table.values():  # warm: the index current, the caches filled
        timed(command, cwd, env)
    load_before = os.getloadavg()[0]
    times: dict[str, list[float]] = {name: [] for name in table}
    cpus: dict[str, list[float]] = {name: [] for name in table}
    codes: dict[str, set[int]] = {name: set() for name in table}
    for _ in range(args.runs):
        for name, (command, cwd, env) in table.items():
            elapsed, cpu, code = timed(command, cwd, env)
            times[name].append(elapsed)
            cpus[name].append(cpu)
            codes[name].add(code)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; load {load_before:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after; small {small.name}, large {large.name}; word {args.word!r}")
    print("\n".join(timed_what))
    report(times, cpus, codes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
