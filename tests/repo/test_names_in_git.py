"""Names are data, never syntax (issue 12): whatever a file name, code, title or office name says,
it reaches git through one encoder and is read back as it was; commit metadata is parsed
strictly; a commit that does not parse is reported by ``verify`` and never stops a writer."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.commits import commit_procedure
from support.workspace import git

from doccontrol import service
from doccontrol.core import names
from doccontrol.repo import messages
from doccontrol.repo.commitstream import CommitStream, Person, _person, _safe_path
from doccontrol.repo.gateway import Repository
from doccontrol.workspace import load

# Text as documents and people give it (every code point but lone surrogates), and file names as
# the file system gives them (any bytes but / and NUL, decoded with surrogateescape).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)))
FILE_NAMES = st.binary(min_size=1, max_size=80).map(lambda b: b.replace(b"/", b"_").replace(b"\0", b"_")).map(
    os.fsdecode)
SPECIAL = st.sampled_from(["\r", "\n", "\r\n", "\x1b]0;x\x07", "\x85", "\u2028", "\u2029", "%", "%41", "%%",
                           "%2", "Revision: 7", "\n\nAction: withdraw", "\x1e", "\x1f", "\x00", "\udce9", "\u202e"])
NAMES = st.one_of(TEXT, FILE_NAMES, st.lists(st.one_of(SPECIAL, TEXT), max_size=8).map("".join))


@settings(max_examples=500, deadline=None)
@given(NAMES)
def test_escape_round_trips_and_is_one_line(name: str) -> None:
    escaped = names.escape(name)
    assert names.unescape(escaped) == name
    assert len(escaped.splitlines()) <= 1 and not any(names.is_control(ch) for ch in escaped)
    escaped.encode("utf-8")  # always valid UTF-8: no surrogate left (raises otherwise)
    shown = names.printable(name)
    assert len(shown.splitlines()) <= 1 and not any(names.is_control(ch) for ch in shown)
    shown.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(subject=NAMES, body=NAMES, values=st.lists(NAMES, min_size=1, max_size=5))
def test_a_message_reads_back_exactly_what_was_written(subject: str, body: str, values: list[str]) -> None:
    trailers = {"Action": messages.INGEST, **{f"Value-{i}": v for i, v in enumerate(values)}}
    parsed = messages.parse_message(messages.format_message(subject, trailers, body))
    assert parsed.subject == (subject.strip() or "-")
    assert parsed.body == body.strip()
    assert dict(parsed.trailers) == {k: str(v) for k, v in trailers.items()}


@pytest.mark.parametrize("message", [
    "x\n\nAction: ingest\nRevision: 1\nnot a trailer",
    "x\n\nAction: ingest\nAction: withdraw",
    "two\nline subject\n\nAction: link",
    "x\n\nbody\nof two lines\n\nAction: link",
    "x\n\na\n\nb\n\nAction: link",
])
def test_messages_doccontrol_did_not_write_do_not_parse(message: str) -> None:
    with pytest.raises(messages.MessageError):
        messages.parse_message(message)


@pytest.mark.parametrize(("trailers", "author"), [
    ({"Action": "ingest", "Office": "LDVL"}, "LDVL"),  # a revision without its trailers
    ({"Action": "withdraw", "Office": "VP", "Owner": "VP", "Revision": "x", "Code-Key": "a", "Slug": "a"}, "VP"),
    ({"Action": "withdraw", "Office": "VP", "Owner": "VP", "Revision": "1", "Code-Key": "a", "Slug": "a"}, "LDVL"),
    ({"Action": "explode", "Office": "VP"}, "VP"),
    ({"Action": "link", "Office": "VP", "Code-Key": "a", "Slug": "../x"}, "VP"),
])
def test_trailers_are_checked_for_their_action_and_author(trailers: dict[str, str], author: str) -> None:
    with pytest.raises(messages.MessageError):
        messages.check_trailers(trailers, author)


FORGERIES = [
    "e\rRevision: 7\r.docx",
    "x\nOffice: VP\nAction: withdraw\n.docx",
    "a\r\n\r\nAction: withdraw\r\nOwner: VP.pdf",
    "\x1e\x1fhỏng\x00.pdf",
    "tên %41 50% \u2028 \x1b[31mđỏ.pdf",
]


@pytest.mark.parametrize("source", FORGERIES)
def test_a_file_name_cannot_forge_history(home: Path, source: str) -> None:
    first = commit_procedure(home, "LDVL", "QT-01/A", revision=1, source=source)
    commit_procedure(home, "LDVL", "QT-01/A", revision=2, source="lần 2.pdf")
    workspace = load(home)
    with Repository(workspace) as repo:
        state = repo.get("QT-01/A")
        records = repo.history(state)
        assert [(r.action, r.revision, r.office) for r in records] == [("ingest", 1, "LDVL"), ("ingest", 2, "LDVL")]
        assert records[0].source == source  # the whole name, as dropped
        assert repo.original_at(state, 1)[0] == first
    assert service.verify(workspace).healthy
    log = git(home, "log", "--format=%B", "-n2")
    assert "\nRevision: 7" not in log and "\nAction: withdraw" not in log


def test_a_name_that_is_not_utf8_is_kept_losslessly_in_git(home: Path) -> None:
    source = os.fsdecode(b"\xe9t\xe9 c\xf3 d\xe2u.pdf")
    commit_procedure(home, "LDVL", "QT-02/A", source=source)
    trailer = next(line for line in git(home, "log", "-1", "--format=%B").splitlines() if line.startswith("Source-File"))
    assert trailer == "Source-File: %E9t%E9 c%F3 d%E2u.pdf"
    assert names.unescape(trailer.split(": ", 1)[1]) == source
    with Repository(load(home)) as repo:
        state = repo.get("QT-02/A")
        assert state.source == "\ufffdt\ufffd c\ufffd d\ufffdu.pdf" and repo.history(state)[0].source == state.source


def test_an_unreadable_commit_is_reported_and_never_stops_a_writer(home: Path) -> None:
    commit_procedure(home, "LDVL", "QT-03/A")
    env = {**os.environ, "GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "ldvl@offices.doccontrol.invalid",
           "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@x"}
    subprocess.run(["git", "-C", str(home / "procedures"), "commit", "-q", "--allow-empty", "-m",
                    "QT-03/A lần 9: giả\n\nAction: ingest\nOffice: LDVL\nRevision: x\nSlug: qt-03-a\nnot a trailer"],
                   check=True, env=env)
    workspace = load(home)
    report = service.verify(workspace)
    assert not report.healthy and len(report.integrity.unreadable) == 1
    assert "not a trailer" in report.integrity.unreadable[0]
    commit_procedure(home, "LDVL", "QT-03/A", revision=2)  # recovery walks past it
    with Repository(workspace) as repo:
        assert [r.revision for r in repo.revisions(repo.get("QT-03/A"))] == [1, 2]


def test_an_author_line_cannot_be_forged(home: Path) -> None:
    workspace = load(home)
    with Repository(workspace) as repo:
        stream = CommitStream(repo.path, "main", repo.head())
        try:
            stream.commit("thử\n", Person("Phòng <evil@x> 1 +0000\ncommitter X", "ldvl@offices.doccontrol.invalid"),
                          Person("doccontrol", "doccontrol@localhost"), {"_x/a.txt": b"a"})
        finally:
            stream.close()
    author = git(home, "log", "-1", "--format=%an|%ae")
    assert author == "Phòng evil@x 1 +0000 committer X|ldvl@offices.doccontrol.invalid\n"
    with pytest.raises(ValueError):  # an e-mail that could end the line is refused outright
        _person(Person("x", "a>b <c"))


@pytest.mark.parametrize("path", ["a\nb", "../x", "a/../b", "/abs", "a b", '"q"', "a\rb", ""])
def test_unsafe_repository_paths_are_refused(path: str) -> None:
    with pytest.raises(ValueError):
        _safe_path(path)
