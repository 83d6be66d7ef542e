"""Running git on the controlled repository (GitPython's command wrapper, short-lived processes).

Refs are read by GitPython in pure Python (no process for ``HEAD``); other reads are git
commands that end when they answer, so no ``git cat-file`` process is left running. Only the
repository gateway (``doccontrol.repo``) uses this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import git

from doccontrol.errors import WorkspaceError
from doccontrol.repo import messages

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
}


def author_email(office: str) -> str:
    return messages.identity_email(office, AUTHOR_DOMAIN)


def author_name(office: str, office_name: str) -> str:
    """The office's name and code, made safe for an author line (``messages.identity_name``)."""
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


class Git:
    """One repository's git commands. Close it (or use it as a context manager) when done."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.inherited_fds: tuple[int, ...] = ()  # given to every git process (the writer lock's, in a transaction)
        try:
            self._repo = git.Repo(path)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
            raise WorkspaceError(
                f"Kho tài liệu {path} không phải kho git.", f"{path} is not a git repository."
            ) from exc

    def close(self) -> None:
        self._repo.close()

    def __enter__(self) -> Git:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run ``git ARGS`` and return its standard output as text."""
        try:
            return self._repo.git.execute(  # type: ignore[call-overload,no-any-return]
                ["git", *args], env=env, strip_newline_in_stdout=False, pass_fds=self.inherited_fds
            )
        except git.GitCommandError as exc:
            raise GitError(str(exc)) from exc

    def bytes(self, *args: str) -> bytes:
        """Run ``git ARGS`` and return its standard output as bytes."""
        try:
            return self._repo.git.execute(  # type: ignore[call-overload,no-any-return]
                ["git", *args], stdout_as_string=False, strip_newline_in_stdout=False, pass_fds=self.inherited_fds
            )
        except git.GitCommandError as exc:
            raise GitError(str(exc)) from exc

    def head(self) -> str | None:
        """The current commit, read from the refs (no git process); None in an empty repository."""
        try:
            return self._repo.head.commit.hexsha
        except ValueError:
            return None

    def set_ref(self, ref: str, commit: str) -> None:
        """Point ``ref`` (e.g. ``refs/tags/x/r1``) at ``commit``, written by GitPython (no process)."""
        git.Reference.create(self._repo, ref, commit, force=True)

    def configure(self, values: Mapping[str, str]) -> None:
        with self._repo.config_writer() as writer:
            for key, value in values.items():
                section, option = key.split(".", 1)
                writer.set_value(section, option, value)


def init_repository(path: Path, readme: str, first_message: str, office: str, office_name: str,
                    files: Mapping[str, str] | None = None) -> None:
    """Create the repository at ``path`` (idempotent) with doccontrol's settings and a first commit
    holding the README and ``files`` (repository path → text)."""
    path.mkdir(parents=True, exist_ok=True)
    repo = git.Repo.init(path, initial_branch="main") if not (path / ".git").exists() else git.Repo(path)
    repo.close()
    with Git(path) as runner:
        runner.configure(REPO_CONFIG)
        if runner.head() is None:
            (path / "README.md").write_text(readme, encoding="utf-8")
            for rel, text in (files or {}).items():
                (path / rel).parent.mkdir(parents=True, exist_ok=True)
                (path / rel).write_text(text, encoding="utf-8")
            runner.run("add", "README.md", *(files or {}))
            runner.run("commit", "-q", "--no-verify", "-m", first_message, env=identity_env(office, office_name))
