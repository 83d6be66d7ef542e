"""Pushing the controlled repository to the province's central git server (``[git] remote``).

Git itself is the queue: a commit that could not be pushed stays in the local repository and
goes with the next push that succeeds. Nothing here blocks ingest: pushes run in their own
thread (``Pusher``) or command (``doccontrol push``), outside the writer lock, with a bounded
time, ``GIT_TERMINAL_PROMPT=0`` and no standard input, so git never waits for a password.

The remote is configured in ``procedures/.git/config`` as ``central`` with two fetch refspecs,
so that every successful push also records what the server has::

    refs/heads/*  -> refs/remotes/central/*         (commits pushed)
    refs/tags/*   -> refs/doccontrol/pushed-tags/*  (tags pushed)

``unpushed`` compares the local branch and tags with those records (no network).
The outcome of the last attempt is kept in ``logs/push.json`` for ``doccontrol status``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from doccontrol.core import dates
from doccontrol.workspace import Workspace

if TYPE_CHECKING:  # subprocess: imported where a git process is started (``status`` reads without one)
    import logging
    import subprocess

REMOTE_NAME = "central"
PUSHED_TAGS = "refs/doccontrol/pushed-tags"
STATE_NAME = "push.json"  # in logs/
PUSH_TIMEOUT = 120.0
_GIT_TIMEOUT = 30.0  # local git commands (config, rev-list)


@dataclass(frozen=True)
class PushResult:
    ok: bool
    message: str  # git's own words on failure (first lines of stderr), "" on success
    seconds: float
    commits: int  # commits the server did not have before this push (0 if unknown)
    tags: int  # tags the server did not have before this push


@dataclass(frozen=True)
class Unpushed:
    commits: int
    tags: int
    branch: str

    @property
    def empty(self) -> bool:
        return self.commits == 0 and self.tags == 0


@dataclass(frozen=True)
class PushState:
    """What ``logs/push.json`` says about the last push attempt."""

    url: str = ""
    last_attempt: str = ""
    last_success: str = ""
    last_error: str = ""
    failures: int = 0  # consecutive failed attempts


class PushError(RuntimeError):
    pass


def redact(url: str) -> str:
    """``url`` without a password or token (``https://user:secret@host`` -> ``https://user:***@host``)."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest.split("/", 1)[0]:
        return url
    credentials, _, host = rest.partition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user + ':***' if ':' in credentials else '***'}@{host}"


# --- git, locally -------------------------------------------------------------------------------------


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"
    env.setdefault("GCM_INTERACTIVE", "never")  # Git Credential Manager: never pop a window
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    return env


def network_git(command: list[str], env: dict[str, str], timeout: float,
                running: _Running | None = None) -> subprocess.CompletedProcess[str] | None:
    """A git command that talks to a server (push, fetch), in its own process group so that a
    timeout kills its ssh/https helpers too; None when it ran out of ``timeout`` seconds.
    ``running`` (a push) is told the process while it runs, so that it can be stopped."""
    import subprocess

    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env, start_new_session=True)
    if running is not None:
        with running.lock:
            running.process = process
    try:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return None
    finally:
        if running is not None:
            with running.lock:
                running.process = None
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _git(repo: Path, *args: str, check: bool = True, stdin: str | None = None, timeout: float = _GIT_TIMEOUT,
         error: type[Exception] = PushError) -> subprocess.CompletedProcess[str]:
    """A local git command (no prompt; ``stdin`` its input, else none); ``error`` when it fails."""
    import subprocess

    result = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=_git_env(), input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL, timeout=timeout,
    )
    if check and result.returncode != 0:
        raise error(f"git {' '.join(args[:3])}: {result.stderr.strip()[:500]}")
    return result


def current_branch(repo: Path) -> str:
    result = _git(repo, "symbolic-ref", "--short", "-q", "HEAD", check=False)
    return result.stdout.strip() or "main"


def ensure_remote(repo: Path, url: str) -> None:
    """Configure (or re-point) the ``central`` remote at ``url``, with the tracking refspecs."""
    existing = _git(repo, "config", "--get", f"remote.{REMOTE_NAME}.url", check=False).stdout.strip()
    if not existing:
        _git(repo, "config", f"remote.{REMOTE_NAME}.url", url)
    elif existing != url:
        _git(repo, "config", f"remote.{REMOTE_NAME}.url", url)
    wanted = [f"+refs/heads/*:refs/remotes/{REMOTE_NAME}/*", f"+refs/tags/*:{PUSHED_TAGS}/*"]
    fetch = _git(repo, "config", "--get-all", f"remote.{REMOTE_NAME}.fetch", check=False).stdout.split()
    if fetch != wanted:
        _git(repo, "config", "--unset-all", f"remote.{REMOTE_NAME}.fetch", check=False)
        for refspec in wanted:
            _git(repo, "config", "--add", f"remote.{REMOTE_NAME}.fetch", refspec)
    _git(repo, "config", f"remote.{REMOTE_NAME}.tagOpt", "--no-tags")


def _refs(repo: Path, prefix: str) -> dict[str, str]:
    out = _git(repo, "for-each-ref", "--format=%(refname)%00%(objectname)", prefix).stdout
    refs: dict[str, str] = {}
    for line in out.splitlines():
        name, _, oid = line.partition("\0")
        if name.startswith(prefix + "/"):
            refs[name[len(prefix) + 1:]] = oid
    return refs


def unpushed(repo: Path) -> Unpushed:
    """Commits and tags the central server does not have, as far as the last push tells (no network)."""
    branch = current_branch(repo)
    local = f"refs/heads/{branch}"
    tracking = f"refs/remotes/{REMOTE_NAME}/{branch}"
    has_local = _git(repo, "rev-parse", "--verify", "-q", local, check=False).returncode == 0
    if not has_local:
        commits = 0
    else:
        has_tracking = _git(repo, "rev-parse", "--verify", "-q", tracking, check=False).returncode == 0
        spec = f"{tracking}..{local}" if has_tracking else local
        commits = int(_git(repo, "rev-list", "--count", spec).stdout.strip() or 0)
    tags = _refs(repo, "refs/tags")
    pushed = _refs(repo, PUSHED_TAGS)
    missing = sum(1 for name, oid in tags.items() if pushed.get(name) != oid)
    return Unpushed(commits=commits, tags=missing, branch=branch)


# --- the push state file ---------------------------------------------------------------------------


def state_path(workspace: Workspace) -> Path:
    return workspace.logs / STATE_NAME


def read_state(workspace: Workspace) -> PushState:
    try:
        data = json.loads(state_path(workspace).read_text(encoding="utf-8"))
        known = {f.name for f in dataclasses.fields(PushState)}
        return PushState(**{k: v for k, v in data.items() if k in known})
    except (OSError, ValueError, TypeError):
        return PushState()


def _write_state(workspace: Workspace, state: PushState) -> None:
    path = state_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(json.dumps(dataclasses.asdict(state), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# --- pushing ------------------------------------------------------------------------------------------


class _Running:
    """The push in flight, so that a stopping watcher can end it (and its ssh/https helpers)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.lock = threading.Lock()

    def kill(self) -> None:
        with self.lock:
            process = self.process
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)


def push(workspace: Workspace, timeout: float = PUSH_TIMEOUT, running: _Running | None = None) -> PushResult:
    """Push the branch and every tag to ``[git] remote``, once, within ``timeout`` seconds.

    Never raises for a network or server problem: the result says what happened, and
    ``logs/push.json`` records it. Tags are never forced: a tag the server has with another
    target is reported, not overwritten.
    """
    import subprocess

    url = workspace.config.git_remote
    repo = workspace.procedures
    started = time.monotonic()
    previous = read_state(workspace)
    try:
        ensure_remote(repo, url)
        before = unpushed(repo)
    except (PushError, OSError, subprocess.TimeoutExpired) as exc:
        return _record(workspace, previous, url, False, f"local git: {exc}", started, 0, 0)
    branch = before.branch
    command = [
        "git", "-C", str(repo),
        "-c", "http.lowSpeedLimit=1000", "-c", "http.lowSpeedTime=30",
        "push", "--porcelain", REMOTE_NAME,
        f"refs/heads/{branch}:refs/heads/{branch}", "refs/tags/*:refs/tags/*",
    ]
    env = _git_env()
    if "GIT_SSH_COMMAND" not in env and not _git(repo, "config", "--get", "core.sshCommand", check=False).stdout.strip():
        env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes -o ConnectTimeout=20"
    done = network_git(command, env, timeout, running)
    if done is None:
        return _record(workspace, previous, url, False, f"timed out after {timeout:g} s", started, 0, 0)
    if done.returncode == 0:
        return _record(workspace, previous, url, True, "", started, before.commits, before.tags)
    message = _failure_text(done.stdout, done.stderr, done.returncode)
    return _record(workspace, previous, url, False, message, started, 0, 0)


def _failure_text(stdout: str, stderr: str, code: int) -> str:
    rejected = [line for line in stdout.splitlines() if line.startswith("!")]
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and not line.startswith("To ")]
    text = "; ".join(rejected + lines[:4]) or f"git push exited with {code}"
    return text[:600]


def _record(
    workspace: Workspace, previous: PushState, url: str, ok: bool, message: str, started: float,
    commits: int, tags: int,
) -> PushResult:
    stamp = dates.now_iso()
    state = PushState(
        url=redact(url),
        last_attempt=stamp,
        last_success=stamp if ok else previous.last_success,
        last_error="" if ok else message,
        failures=0 if ok else previous.failures + 1,
    )
    with contextlib.suppress(OSError):
        _write_state(workspace, state)
    return PushResult(ok=ok, message=message, seconds=round(time.monotonic() - started, 3), commits=commits, tags=tags)


class Pusher:
    """Pushes in the background: after commits (``request``), and again later while it fails.

    The first retry waits ``retry_seconds``, each further one twice as long, up to
    ``max_retry_seconds``. A new commit shortens a long wait to ``retry_seconds`` after the last
    attempt (so a server back after a long outage gets the queue soon, yet is not asked more
    than once per ``retry_seconds`` for a stream of files). Every ``check_seconds`` it also looks
    (locally) whether commits made by others (a manual ``doccontrol ingest``, a withdrawal) are
    waiting to be pushed.
    """

    def __init__(
        self,
        workspace: Workspace,
        log: logging.Logger,
        retry_seconds: float = 10.0,
        max_retry_seconds: float = 600.0,
        check_seconds: float = 30.0,
        timeout: float = PUSH_TIMEOUT,
    ) -> None:
        self.workspace = workspace
        self.log = log
        self.retry_seconds = max(0.1, retry_seconds)
        self.max_retry_seconds = max(self.retry_seconds, max_retry_seconds)
        self.check_seconds = check_seconds
        self.timeout = timeout
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._requested = True  # at start: push whatever is waiting
        self._next_try = 0.0
        self._last_try = float("-inf")
        self._delay = 0.0
        self._running = _Running()
        self._thread = threading.Thread(target=self._run, name="doccontrol-push", daemon=True)
        self.pushes = 0
        self.failures = 0

    def start(self) -> None:
        self._thread.start()

    def request(self) -> None:
        """New commits: push them (at once, or ``retry_seconds`` after a failed attempt)."""
        self._next_try = min(self._next_try, self._last_try + self.retry_seconds)
        self._requested = True
        self._wake.set()

    def flush(self, timeout: float | None = None) -> bool:
        """Push now, in the caller's thread (for ``watch --once``); the background thread is idle."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=timeout if timeout is not None else self.timeout + 5)
        return self._attempt()

    def stop(self, grace: float = 5.0) -> None:
        """Stop; a push in flight gets ``grace`` seconds, then is killed (its commits stay queued)."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=grace)
            if self._thread.is_alive():
                self._running.kill()
                self._thread.join(timeout=5)

    def _run(self) -> None:
        next_check = time.monotonic() + self.check_seconds
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= next_check:
                next_check = now + self.check_seconds
                with contextlib.suppress(Exception):
                    if not unpushed(self.workspace.procedures).empty:
                        self._requested = True
            if self._requested and now >= self._next_try:
                self._requested = False
                self._attempt()
            wait = next_check - time.monotonic()
            if self._requested:
                wait = min(wait, self._next_try - time.monotonic())
            self._wake.wait(timeout=max(0.05, wait))
            self._wake.clear()

    def _attempt(self) -> bool:
        self._last_try = time.monotonic()
        try:
            if unpushed(self.workspace.procedures).empty and read_state(self.workspace).failures == 0:
                return True  # nothing waiting: do not bother the server
            result = push(self.workspace, self.timeout, self._running)
        except Exception as exc:  # noqa: BLE001 - pushing must never take the watcher down
            result = PushResult(False, f"{type(exc).__name__}: {exc}", 0.0, 0, 0)
        if result.ok:
            self.pushes += 1
            self._delay = 0.0
            self._next_try = 0.0
            if result.commits or result.tags:
                self.log.info("push ok remote=%s commits=%d tags=%d seconds=%.3f", REMOTE_NAME, result.commits,
                              result.tags, result.seconds,  # "people": the watcher console's line (watch_log)
                              extra={"people": f"Đã đẩy lên máy chủ trung tâm: {result.commits} commit, "
                                               f"{result.tags} tag."})
            return True
        self.failures += 1
        self._delay = min(self.max_retry_seconds, self._delay * 2 if self._delay else self.retry_seconds)
        self._next_try = time.monotonic() + self._delay
        self._requested = True  # try again when the wait is over
        self.log.warning("push failed (commits stay queued locally, retry in %gs): %s", self._delay, result.message,
                         extra={"people": f"Chưa đẩy được lên máy chủ trung tâm, thử lại sau {self._delay:g} giây "
                                          f"(các commit vẫn được giữ): {result.message}"})
        return False
