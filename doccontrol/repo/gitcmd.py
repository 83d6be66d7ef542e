"""Running git on the controlled repository (short-lived ``git`` processes; refs read directly).

``HEAD`` is read from the repository's files in pure Python (``refs.read_ref``: no process, no
library: it is read on every page and command); other reads are git commands that end when they
answer, so no ``git cat-file`` process is left running. Only the repository gateway (``doccontrol.repo``) uses
this module.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from doccontrol.errors import WorkspaceError
from doccontrol.repo.refs import read_ref

COMMITTER_NAME = "doccontrol"
COMMITTER_EMAIL = "doccontrol@localhost"
AUTHOR_DOMAIN = "offices.doccontrol.invalid"

REPO_CONFIG = {
    "core.quotepath": "false",
    "core.autocrlf": "false",
    "core.fsync": "committed,index",
    "core.fsyncMethod": "fsync",
    "gc.autoDetach": "false",
    "commit.gpgsign": "false",
    "tag.gpgsign": "false",
    "i18n.commitEncoding": "utf-8",
    # Each unit of work starts with ``git status --untracked-files=all`` (recovery): the untracked
    # cache lets it re-read only the folders that changed, and serves ``-uall`` only when that
    # is the configured mode.
    "core.untrackedCache": "true",
    "status.showUntrackedFiles": "all",
}


def author_email(office: str) -> str:
    from doccontrol.repo import messages  # only writers name authors: not at start-up

    return messages.identity_email(office, AUTHOR_DOMAIN)


def author_name(office: str, office_name: str) -> str:
    """The office's name and code, made safe for an author line (``messages.identity_name``)."""
    from doccontrol.repo import messages

    return messages.identity_name(f"{office_name} ({office})" if office_name and office_name != office else office)


def identity_env(office: str, office_name: str) -> dict[str, str]:
    """Author = the office, committer = doccontrol: no git identity is needed anywhere."""
    return {
        "GIT_AUTHOR_NAME": author_name(office, office_name),
        "GIT_AUTHOR_EMAIL": author_email(office),
        "GIT_COMMITTER_NAME": COMMITTER_NAME,
        "GIT_COMMITTER_EMAIL": COMMITTER_EMAIL,
    }


class GitError(RuntimeError):
    """A git command failed."""


# Git's messages in English whatever the user's language, as they are parsed nowhere but logged.
_C_LOCALE = {"LC_ALL": "C", "LANGUAGE": "C"}


class Git:
    """One repository's git commands. Close it (or use it as a context manager) when done."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.inherited_fds: tuple[int, ...] = ()  # given to every git process (the writer lock's, in a transaction)
        self.git_dir = path / ".git"
        if not self.git_dir.is_dir() and (path / "HEAD").is_file() and (path / "objects").is_dir():
            self.git_dir = path  # a bare repository (a province's mirror of a department)
        if not self.git_dir.is_dir() or not (self.git_dir / "HEAD").is_file():
            raise WorkspaceError(
                f"Kho tài liệu {path} không phải kho git.", f"{path} is not a git repository."
            )

    def close(self) -> None:
        """Nothing stays open between commands (kept for the callers' ``with``)."""

    def __enter__(self) -> Git:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def bytes(self, *args: str, env: Mapping[str, str] | None = None, input: str | bytes | None = None) -> bytes:
        """Run ``git ARGS`` (``input`` on its standard input) and return its standard output as
        bytes; GitError when it fails."""
        import subprocess  # not at start-up: reading HEAD and refs needs no process

        data = input.encode("utf-8") if isinstance(input, str) else input
        stdin = {"input": data} if data is not None else {"stdin": subprocess.DEVNULL}
        try:
            done = subprocess.run(
                ["git", *args], cwd=self.path, capture_output=True, **stdin,  # type: ignore[call-overload]
                env={**os.environ, **_C_LOCALE, **(env or {})}, pass_fds=self.inherited_fds,
            )
        except OSError as exc:
            raise GitError(f"git {' '.join(args[:2])}: {exc}") from exc
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip()
            raise GitError(f"git {' '.join(args)} failed (exit {done.returncode}): {detail}")
        return done.stdout

    def run(self, *args: str, env: Mapping[str, str] | None = None, input: str | None = None) -> str:
        """Run ``git ARGS`` and return its standard output as text."""
        return self.bytes(*args, env=env, input=input).decode("utf-8", "surrogateescape")

    def changed_paths(self, since: str, until: str) -> list[str]:
        """The paths the commits after ``since`` up to ``until`` changed (``git diff --name-only``,
        NUL-separated so that no name is quoted; renames as a deletion and an addition): what every
        reader that follows HEAD re-reads. GitError when a commit is unknown."""
        out = self.bytes("diff", "--name-only", "--no-renames", "-z", since, until)
        return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]

    def write_commit_graph(self) -> bool:
        """Add the new commits to the repository's commit-graph, with changed-path Bloom filters
        (a new layer of a split graph: the cost follows the new commits, not the history), so that
        ``git log -- PATH`` skips the commits that do not touch PATH. An accelerator only: a failure
        is logged and ignored (git reads the commits without it). True when it was written."""
        head = self.head()
        if head is None:
            return False
        try:
            # From HEAD, not ``--reachable``: every revision's tag points at a commit of the branch,
            # and reading every ref (40,000 loose tags at 20,000 procedures) took seconds.
            self.bytes("commit-graph", "write", "--stdin-commits", "--changed-paths", "--split", "--no-progress",
                       input=f"{head}\n")
        except GitError as exc:
            import logging  # not at start-up: only this failure is logged here

            logging.getLogger(__name__).warning("commit-graph not written: %s", exc)
            return False
        return True

    def head(self) -> str | None:
        """The current commit, read from the refs (no git process); None in an empty repository."""
        return read_ref(self.git_dir, "HEAD")

    def set_ref(self, ref: str, commit: str) -> None:
        """Point ``ref`` (e.g. ``refs/tags/x/r1``) at ``commit``."""
        self.run("update-ref", ref, commit)


def missing_settings(listed: str) -> dict[str, str]:
    """The :data:`REPO_CONFIG` settings that ``git config --local --list`` output ``listed`` lacks
    or has with another value (git lists names in lower case)."""
    found = dict(line.split("=", 1) for line in listed.splitlines() if "=" in line)
    return {key: value for key, value in REPO_CONFIG.items() if found.get(key.lower()) != value}


def apply_settings(git: Git) -> list[str]:
    """Give a repository made before a setting was added to :data:`REPO_CONFIG` (or changed by
    hand) doccontrol's settings; the writer calls it when a unit of work begins. Returns the
    names of the settings written (none: one ``git config`` process)."""
    missing = missing_settings(git.run("config", "--local", "--list"))
    for key, value in missing.items():
        git.run("config", "--local", key, value)
    return list(missing)


def init_repository(path: Path, readme: str, first_message: str, office: str, office_name: str,
                    files: Mapping[str, str] | None = None) -> None:
    """Create the repository at ``path`` (idempotent) with doccontrol's settings and a first commit
    holding the README and ``files`` (repository path → text)."""
    import git as gitpython  # GitPython: creating a repository is rare, so its import is paid only here

    path.mkdir(parents=True, exist_ok=True)
    repo = gitpython.Repo(path) if (path / ".git").exists() else gitpython.Repo.init(path, initial_branch="main")
    with repo, repo.config_writer() as config:
        for key, value in REPO_CONFIG.items():
            section, option = key.rsplit(".", 1)
            config.set_value(section, option, value)
    with Git(path) as runner:
        if runner.head() is None:
            (path / "README.md").write_text(readme, encoding="utf-8")
            for rel, text in (files or {}).items():
                (path / rel).parent.mkdir(parents=True, exist_ok=True)
                (path / rel).write_text(text, encoding="utf-8")
            runner.run("add", "README.md", *(files or {}))
            runner.run("commit", "-q", "--no-verify", "-m", first_message, env=identity_env(office, office_name))
