"""What a search reads before it opens an engine: the commit the index reflects, from the index's
own files (``search.index_files.read_state``), for both engines; ``None`` whenever the files do
not say it plainly (then the engine is asked, as before)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from doccontrol.core.model import ProcedureStatus
from doccontrol.search import CURRENT, WITHDRAWN, open_backend
from doccontrol.search.index_files import REFLECTS, TANTIVY_META, live_generation, read_state
from support.search_corpus import index_docs


def test_the_index_statuses_are_the_procedure_statuses() -> None:
    assert (CURRENT, WITHDRAWN) == (ProcedureStatus.CURRENT.value, ProcedureStatus.WITHDRAWN.value)


@pytest.fixture
def tantivy_index(tmp_path: Path) -> Path:
    pytest.importorskip("tantivy", reason="the tantivy engine is not installed (pip install tantivy)")
    index = tmp_path / "index"
    open_backend(index, "tantivy").rebuild(index_docs(), commit="c1")
    return index


def test_tantivy_records_each_commit_it_reflects(tantivy_index: Path) -> None:
    state = read_state(tantivy_index)
    assert state is not None and state.commit == "c1"
    backend = open_backend(tantivy_index, "tantivy")
    docs = index_docs()
    backend.replace_procedures({docs[0].slug: [docs[0]]}, commit="c2")
    assert read_state(tantivy_index).commit == "c2"  # type: ignore[union-attr]
    backend.delete_procedure(docs[1].slug, commit="c3")
    assert read_state(tantivy_index).commit == "c3" == backend.reflected_commit()  # type: ignore[union-attr]


def test_tantivy_state_is_not_believed_when_the_files_disagree(tantivy_index: Path) -> None:
    gdir = tantivy_index / live_generation(tantivy_index)
    assert read_state(tantivy_index, check_files=True) is None  # no checksums kept: the engine checks
    reflects = json.loads((gdir / REFLECTS).read_text(encoding="utf-8"))
    assert reflects["opstamp"] == json.loads((gdir / TANTIVY_META).read_text(encoding="utf-8"))["opstamp"]
    # a writer stopped between tantivy's commit and the record: the record names an older commit
    (gdir / REFLECTS).write_text(json.dumps({"commit": "c0", "opstamp": reflects["opstamp"] - 1}), encoding="utf-8")
    assert read_state(tantivy_index) is None
    (gdir / REFLECTS).write_text(json.dumps({"commit": "c0"}), encoding="utf-8")  # written by an older version
    assert read_state(tantivy_index) is None
    (gdir / REFLECTS).unlink()
    assert read_state(tantivy_index) is None
    assert open_backend(tantivy_index, "tantivy").reflected_commit() == "c1"  # the engine still tells
