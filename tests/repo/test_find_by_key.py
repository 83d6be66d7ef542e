"""``Repository.find`` of a procedure filed under a folder its code no longer gives (an older normal
form of codes): looked up in the derived state when it is of HEAD (one file), else in every
``meta.json`` — the watcher asks once per batch, so at 20,000 procedures this is seconds."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from doccontrol.core.model import ProcedureState, ProcedureStatus
from doccontrol.core.text import code_key
from doccontrol.repo import derived
from doccontrol.repo.gateway import Repository
from doccontrol.workspace import load

CODE = "QT-07/LĐTBXH"
OLD_SLUG = "qt07-cu"  # not a slug its code gives today


def _commit_under_old_slug(home: Path) -> None:
    data = b"%PDF-1.7 old slug"
    state = ProcedureState(
        code=CODE, code_key=code_key(CODE), slug=OLD_SLUG, office="LDVL", title="Cũ", revision=1,
        status=ProcedureStatus.CURRENT, sha256=hashlib.sha256(data).hexdigest(), text_sha256="0" * 64,
        source="cu.pdf", ext="pdf",
    )
    with Repository(load(home)) as repo, repo.write("LDVL", "test") as tx:
        tx.commit_revision(state, data, f"Mã hiệu: {CODE}", "LDVL", source_file="cu.pdf")


def _no_meta_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Repository) -> list[ProcedureState]:
        raise AssertionError("every meta.json read")

    monkeypatch.setattr(Repository, "procedures", refuse)


def test_found_through_the_derived_state_of_head_without_reading_every_procedure(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _commit_under_old_slug(home)
    with Repository(load(home)) as repo:
        repo.derived()  # kept for HEAD, as a reader leaves it
        git = repo.git
        kept = derived.read(git)
        assert kept is not None and kept.commit == repo.head()
    _no_meta_reading(monkeypatch)
    with Repository(load(home)) as repo:
        found = repo.find(code_key(CODE))
        assert found is not None and found.slug == OLD_SLUG and found.code == CODE
        assert repo.find(code_key("QT-99/KHÔNG-CÓ")) is None


def test_without_a_derived_state_of_head_every_procedure_is_read(home: Path) -> None:
    _commit_under_old_slug(home)
    with Repository(load(home)) as repo:
        derived.remove(repo.git)
        found = repo.find(code_key(CODE))
        assert found is not None and found.slug == OLD_SLUG


def test_a_derived_state_of_another_commit_is_not_trusted(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Repository(load(home)) as repo:
        repo.derived()  # of the first commit, which has no procedure
    _commit_under_old_slug(home)  # HEAD moves on (the unit of work may keep the state up to date)
    with Repository(load(home)) as repo:
        assert derived.read(repo.git) is not None  # brought to HEAD by the unit of work
        # Made of another commit than HEAD, as a commit behind its back leaves it:
        derived.write(repo.git, derived.build(repo.git, repo.git.run("rev-parse", "HEAD~1").strip()))
        found = repo.find(code_key(CODE))
        assert found is not None and found.slug == OLD_SLUG

