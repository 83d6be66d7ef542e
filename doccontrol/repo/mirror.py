"""A read-only mirror of a department's controlled repository, fetched from the province's git
server: the other end of ``doccontrol push``.

A mirror is a bare repository. A fetch never touches what the mirror shows: it lands under
``refs/incoming/`` (the server's branches and tags as they are now); :func:`promote` then moves
the mirror's branch and tags to them in one ``git update-ref`` transaction, and only when the
caller decided it may (``core.province.decide_sync``: the server's history descends from the
mirror's tip and no revision tag moved). A rewritten history (a forced push) stays under
``refs/incoming/`` for inspection and the mirror keeps what it had; :func:`promote` with
``keep_as`` accepts it deliberately, keeping the old tip under ``refs/province/replaced/``.

Git only (``git fetch`` with a time limit, no terminal prompt, no standard input): nothing here
copies data by hand.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from doccontrol.repo import layout
from doccontrol.repo.gitcmd import read_ref
from doccontrol.repo.remote import _git, _git_env, _refs, network_git, redact

INCOMING = "refs/incoming"
REPLACED = "refs/province/replaced"
BRANCH_REF = f"refs/heads/{layout.BRANCH}"
_LOCAL_TIMEOUT = 120.0


class MirrorError(RuntimeError):
    """A local git command on a mirror failed."""


@dataclass(frozen=True)
class Fetched:
    """What one fetch brought: the server's tip (None when the fetch failed or the server has no
    department branch) and git's words when it failed."""

    ok: bool
    tip: str | None
    message: str = ""


def _run(path: Path, *args: str, check: bool = True, stdin: str | None = None,
         timeout: float = _LOCAL_TIMEOUT) -> subprocess.CompletedProcess[str]:
    return _git(path, *args, check=check, stdin=stdin, timeout=timeout, error=MirrorError)


def _ref_work_timeout(refs: int) -> float:
    """The time limit of a local command that writes ``refs`` refs: a department has a tag per
    revision, and the first promote of a 20,000-procedure department (40,000 tags, a loose file
    each) took 4 min 22 s on the shared test machine. Killing it half-way would leave its lock
    files behind (see :func:`clear_stale_locks`)."""
    return max(_LOCAL_TIMEOUT, 0.05 * refs)


def clear_stale_locks(path: Path) -> int:
    """Remove the lock files a killed git command left in the mirror's refs (``*.lock`` under
    ``refs/``, ``packed-refs.lock``); how many. Only the province's sync writes a mirror, and one
    at a time (its writer lock): a lock file found when it starts is stale, and would make every
    later update of that ref fail."""
    found = [p for p in (path / "refs").rglob("*.lock") if p.is_file()] if (path / "refs").is_dir() else []
    found += [p for p in (path / "packed-refs.lock", path / "HEAD.lock") if p.is_file()]
    for lock in found:
        lock.unlink(missing_ok=True)
    return len(found)


def ensure(path: Path) -> None:
    """Create the bare mirror at ``path`` (idempotent)."""
    if (path / "HEAD").is_file():
        return
    path.mkdir(parents=True, exist_ok=True)
    _run(path, "init", "-q", "--bare", f"--initial-branch={layout.BRANCH}")
    for key, value in (("core.quotepath", "false"), ("gc.autoDetach", "false"),
                       ("core.fsync", "committed"), ("core.fsyncMethod", "fsync")):
        _run(path, "config", key, value)


def refs(path: Path, prefix: str) -> dict[str, str]:
    """Ref name (after ``prefix/``) → object id, for every ref under ``prefix``."""
    return _refs(path, prefix)


def tip(path: Path) -> str | None:
    """The commit the mirror shows (its branch), None before the first sync. Read from the ref
    files (no git process: an unchanged department costs only its fetch); the branch is only
    ever set to a commit (:func:`promote`)."""
    return read_ref(path, BRANCH_REF)


def tag_refs(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(the mirror's tags, the server's tags as the last fetch brought them), by name, in one
    ``git for-each-ref``."""
    out = _run(path, "for-each-ref", "--format=%(refname)%00%(objectname)", layout.TAGS, f"{INCOMING}/tags").stdout
    ours: dict[str, str] = {}
    theirs: dict[str, str] = {}
    for line in out.splitlines():
        name, _, oid = line.partition("\0")
        if name.startswith(f"{layout.TAGS}/"):
            ours[name[len(layout.TAGS) + 1:]] = oid
        elif name.startswith(f"{INCOMING}/tags/"):
            theirs[name[len(INCOMING) + 6:]] = oid
    return ours, theirs


def _incoming_branch(heads: dict[str, str]) -> str | None:
    """The department's branch among the server's: ``main``, else the only one."""
    if layout.BRANCH in heads:
        return heads[layout.BRANCH]
    return next(iter(heads.values())) if len(heads) == 1 else None


def _fetch(path: Path, url: str, timeout: float, *refspecs: str) -> str | None:
    """One ``git fetch`` of ``refspecs`` (pruned) within ``timeout`` seconds: None when it
    worked, else what went wrong in git's words (redacted)."""
    command = ["git", "-C", str(path), "-c", "http.lowSpeedLimit=1000", "-c", "http.lowSpeedTime=30",
               "fetch", "--quiet", "--no-tags", "--prune", "--no-write-fetch-head", "--", url, *refspecs]
    env = _git_env()
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=20")
    done = network_git(command, env, timeout)
    if done is None:
        return f"quá thời gian {timeout:g} s (timed out after {timeout:g} s)"
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        return redact("; ".join(lines[:3]) or f"git fetch exited with {done.returncode}")[:600]
    return None


def fetch(path: Path, url: str, timeout: float, shown: str | None = None) -> Fetched:
    """Fetch the server's branches and tags into ``refs/incoming/`` (pruned), each fetch within
    ``timeout`` seconds. Never raises for a network or server problem: the result says what
    happened.

    ``shown`` (the mirror's tip): the branches are fetched first, and when the server's tip is
    still ``shown`` the tags are not asked for (protocol v2 lists only the refs asked for: a
    department has a tag per revision, thousands, and an unchanged department costs only a fetch
    of its branch). A tag moved on the server without a new commit is therefore seen at the
    department's next commit (and flagged then, like any rewritten history)."""
    heads = f"+refs/heads/*:{INCOMING}/heads/*"
    if shown:
        problem = _fetch(path, url, timeout, heads)
        if problem is not None:
            return Fetched(False, None, problem)
        if _incoming_tip(path) == shown:
            return Fetched(True, shown)
    problem = _fetch(path, url, timeout, heads, f"+refs/tags/*:{INCOMING}/tags/*")
    if problem is not None:
        return Fetched(False, None, problem)
    incoming = _incoming_tip(path)
    if incoming is None:
        return Fetched(False, None, f"máy chủ không có nhánh {layout.BRANCH} (the server has no {layout.BRANCH} branch)")
    return Fetched(True, incoming)


def _incoming_tip(path: Path) -> str | None:
    """The server's department branch as the last fetch brought it."""
    return read_ref(path, f"{INCOMING}/heads/{layout.BRANCH}") or _incoming_branch(refs(path, f"{INCOMING}/heads"))


def descends(path: Path, ancestor: str, commit: str) -> bool:
    """Whether ``ancestor`` is ``commit`` or one of its ancestors (``git merge-base --is-ancestor``)."""
    result = _run(path, "merge-base", "--is-ancestor", ancestor, commit, check=False)
    if result.returncode not in (0, 1):
        return False  # an object the mirror no longer has: not an ancestor
    return result.returncode == 0


def moved_tags(path: Path, tags: tuple[dict[str, str], dict[str, str]] | None = None) -> list[str]:
    """Tags the mirror has that the server now points at another object (a rewritten history);
    ``tags``: :func:`tag_refs` already read."""
    ours, theirs = tags if tags is not None else tag_refs(path)
    return sorted(name for name, oid in ours.items() if name in theirs and theirs[name] != oid)


def promote(path: Path, new_tip: str, keep_as: str | None = None) -> None:
    """Show ``new_tip`` and the server's tags in the mirror, in one ref transaction. ``keep_as``
    (accepting a rewritten history): the old tip and moved tags are kept under
    ``refs/province/replaced/<keep_as>/`` first, so nothing read before is lost."""
    old = tip(path)
    lines = ["start"]
    if keep_as and old:
        lines.append(f"update {REPLACED}/{keep_as}/heads/{layout.BRANCH} {old}")
        for name, oid in refs(path, layout.TAGS).items():
            lines.append(f"update {REPLACED}/{keep_as}/tags/{name} {oid}")
    lines.append(f"update {BRANCH_REF} {new_tip}" + (f" {old}" if old and not keep_as else ""))
    ours = refs(path, layout.TAGS)
    for name, oid in refs(path, f"{INCOMING}/tags").items():
        if ours.get(name) != oid:
            lines.append(f"update {layout.TAGS}/{name} {oid}")
    lines += ["prepare", "commit", ""]
    _run(path, "update-ref", "--stdin", stdin="\n".join(lines), timeout=_ref_work_timeout(len(lines)))
    pack_refs(path, len(lines))


def pack_refs(path: Path, refs: int = 0) -> None:
    """Pack the mirror's refs into one file (``git pack-refs --all``). A department has a tag per
    revision, and twice that under ``refs/incoming/``: thousands of loose ref files make every
    later fetch walk them (0.56 s → 0.22 s for a no-op fetch of 4,000 refs, measured)."""
    _run(path, "pack-refs", "--all", "--prune", timeout=_ref_work_timeout(refs))


def count_commits(path: Path, since: str | None, until: str) -> int:
    """Commits reachable from ``until`` and not from ``since`` (all of them for None)."""
    spec = f"{since}..{until}" if since else until
    result = _run(path, "rev-list", "--count", spec, check=False)
    return int(result.stdout.strip() or 0) if result.returncode == 0 else 0


def changed_folders(path: Path, since: str | None, until: str) -> set[str] | None:
    """Procedure folders (``OFFICE/slug``) changed between two commits of the mirror; None when
    that cannot be told (no ``since``, or a commit the mirror does not have)."""
    if not since:
        return None
    if since == until:
        return set()
    result = _run(path, "diff", "--name-only", "--no-renames", since, until, check=False)
    if result.returncode != 0:
        return None
    return {folder for line in result.stdout.splitlines() if (folder := layout.procedure_of(line))}


def revision_numbers(path: Path) -> dict[str, list[int]]:
    """slug → revision numbers, from the mirror's tags."""
    found: dict[str, list[int]] = {}
    for name in refs(path, layout.TAGS):
        parsed = layout.parse_revision_tag(name)
        if parsed:
            found.setdefault(parsed[0], []).append(parsed[1])
    return {slug: sorted(revs) for slug, revs in found.items()}


def is_mirror(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


__all__ = ["Fetched", "MirrorError", "changed_folders", "clear_stale_locks", "count_commits", "descends", "ensure", "fetch", "is_mirror", "moved_tags",
           "pack_refs", "promote", "redact", "refs", "revision_numbers", "tag_refs", "tip"]
