"""Issue 16: the CLI as a well-kept Unix tool. A closed pipe ends quietly; an unknown office is an
error in every command that takes one (case and diacritics read the same way everywhere);
``--home`` before or after the subcommand; a link to a TTHC code the catalog does not hold needs
``--force``; help wraps at spaces only, summaries are whole sentences, every option says what it
does."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from support.reports_builders import copy_of
from support.workspace import run

from doccontrol.cli import main

EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE, what a shell reports for `ls | head`


def commands(group: click.Group = main, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


def help_of(*path: str, columns: int = 80) -> str:
    result = CliRunner().invoke(main, [*path, "--help"], env={"COLUMNS": str(columns)}, terminal_width=columns)
    assert result.exit_code == 0, result.output
    return result.output


# --- help ------------------------------------------------------------------------------------------


def test_every_option_says_what_it_does() -> None:
    missing = [(" ".join(path), param.opts[0]) for path, command in commands() for param in command.params
               if isinstance(param, click.Option) and not param.hidden and not param.help]
    assert missing == []


@pytest.mark.parametrize("columns", [60, 80, 100])
def test_help_wraps_at_spaces_only(columns: int) -> None:
    """No line of any help ends inside a word: never ``NĐ-`` / ``CP``, ``--dry-`` / ``run``."""
    broken = []
    for path, _ in commands():
        for line in help_of(*path, columns=columns).splitlines():
            if re.search(r"\w-$", line.rstrip()):
                broken.append((" ".join(path), line))
    assert broken == []
    assert "152/2020/NĐ-CP" in help_of("cites", columns=columns)


def test_summaries_are_whole_sentences() -> None:
    from doccontrol.cli.help import first_sentence, short_help, wrap

    listed = help_of().split("Commands:", 1)[1]
    summaries = dict(re.findall(r"^  (\S+)\s+(.+)$", listed, re.M))
    assert "(e.g." not in summaries["cites"] and summaries["cites"].count("(") == summaries["cites"].count(")")
    for path, command in commands():
        summary = command.get_short_help_str(70)
        assert summary.count("(") == summary.count(")"), (path, summary)
    assert first_sentence("Cites REF (e.g. 152/2020/NĐ-CP). More here.") == "Cites REF (e.g. 152/2020/NĐ-CP)."
    assert short_help("Every procedure that cites REF (e.g. 152/2020/NĐ-CP).", 40) == "Every procedure that cites REF."
    assert wrap("theo Nghị định 152/2020/NĐ-CP ngày 30/12/2020", 22).splitlines() == [
        "theo Nghị định", "152/2020/NĐ-CP ngày", "30/12/2020"]


# --- --home --------------------------------------------------------------------------------------


def test_home_before_or_after_the_subcommand(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    lost = runner.invoke(main, ["status"])
    assert lost.exit_code == 2 and "No doccontrol workspace" in lost.output  # none here
    for args in (["--home", str(home), "status"], ["status", "--home", str(home)],
                 ["list", "--json", "--home", str(home)], ["review", "--home", str(home)],
                 ["--home", str(elsewhere), "status", "--home", str(home)]):  # the later one wins
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
    for args in (["catalog", "list", "--home", str(home)], ["catalog", "--home", str(home), "list"]):
        result = runner.invoke(main, args)  # the workspace's own answer: no catalog imported yet
        assert result.exit_code == 2 and "No doccontrol workspace" not in result.output, result.output
        assert "catalog" in result.output.lower()


# --- offices ----------------------------------------------------------------------------------------


UNKNOWN_OFFICE = [
    ("list", "--office", "XYZ"),
    ("list", "--office", "XYZ", "-o", "{tmp}/x.docx"),
    ("list", "--office", "XYZ", "--as-of", "2024-12-31", "--json"),
    ("search", "lao", "động", "--office", "XYZ"),
    ("coverage", "--office", "XYZ"),
    ("review", "--office", "XYZ"),
    ("ingest", "{tmp}/x.docx", "--office", "XYZ"),
    ("ingest", "{tmp}", "-r", "--office", "XYZ"),
    ("link", "QT-01/VP", "1.000105", "--office", "XYZ"),
    ("unlink", "QT-01/VP", "1.000105", "--office", "XYZ"),
    ("withdraw", "QT-01/VP", "--reason", "x", "--office", "XYZ"),
    ("review", "confirm", "QT-01/VP", "--note", "x", "--office", "XYZ"),
    ("laws", "replaced", "152/2020/NĐ-CP", "--by", "70/2023/NĐ-CP", "--office", "XYZ"),
    ("fields", "assign", "Việc làm", "XYZ"),
]


@pytest.mark.parametrize("args", UNKNOWN_OFFICE, ids=lambda a: " ".join(a[:2]))
def test_an_unknown_office_is_a_usage_error_naming_the_known_ones(home: Path, tmp_path: Path,
                                                                  args: tuple[str, ...]) -> None:
    (tmp_path / "x.docx").write_bytes(b"PK")
    result = run(home, *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert result.exit_code == 2, result.output
    assert "XYZ" in result.stderr and "LDVL (Phòng Lao động - Việc làm)" in result.stderr, result.stderr
    assert "Known offices: VP, LDVL, NCC, BTXH" in result.stderr
    assert (tmp_path / "x.docx").read_bytes() == b"PK"  # nothing written over it


def test_office_codes_read_the_same_way_everywhere(story: Path, tmp_path: Path) -> None:
    """``ldvl`` = ``LDVL`` = ``LĐVL`` (a code folded like every Vietnamese word), in every command."""
    expected = run(story, "list", "--office", "LDVL", "--json")
    assert expected.exit_code == 0 and "QT-01/LĐTBXH" in expected.stdout
    for typed in ("ldvl", "LĐVL", "lđvl", " LDVL "):
        again = run(story, "list", "--office", typed, "--json")
        assert again.exit_code == 0 and again.stdout == expected.stdout, typed
        assert run(story, "review", "--office", typed, "--json").exit_code in (0, 1)
        out = tmp_path / f"{typed.strip()}.csv"
        assert run(story, "list", "--office", typed, "-o", str(out)).exit_code == 0
        assert b"QT-01/L\xc4\x90TBXH" in out.read_bytes()
    home = copy_of(story, tmp_path)
    assert run(home, "review", "confirm", "QT-01/LĐTBXH", "--note", "vẫn phù hợp", "--office", "lđvl").exit_code == 0


# --- link -----------------------------------------------------------------------------------------


def test_a_link_to_a_code_not_in_the_catalog_needs_force(story: Path, tmp_path: Path) -> None:
    home = copy_of(story, tmp_path)
    refused = run(home, "link", "QT-05/NCC", "9.999999")
    assert refused.exit_code == 2 and "9.999999" in refused.stderr and "--force" in refused.stderr
    assert run(home, "show", "QT-05/NCC", "--json").exit_code == 0
    assert "9.999999" not in (home / "procedures" / "_links" / "links.json").read_text(encoding="utf-8") \
        if (home / "procedures" / "_links" / "links.json").exists() else True
    forced = run(home, "link", "QT-05/NCC", "9.999999", "--force")
    assert forced.exit_code == 0, forced.output
    assert "không có trong danh mục" in forced.stderr and "9.999999" in forced.stderr
    assert "9.999999" in (home / "procedures" / "_links" / "links.json").read_text(encoding="utf-8")
    known = run(home, "link", "QT-05/NCC", "1.001978")  # in the catalog: no warning, no --force
    assert known.exit_code == 0 and "không có trong danh mục" not in known.stderr


# --- pipes ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def searched_story(story: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the story (a search may bring the index up to the repository: a write)."""
    return copy_of(story, tmp_path_factory.mktemp("piped"))


@pytest.mark.slow  # the CLI as a real process: a closed pipe needs one
@pytest.mark.parametrize("args", [("search", "lao", "dong"), ("catalog", "list"), ("list",),
                                  ("list", "--format", "csv"), ("coverage",)])
def test_a_closed_pipe_ends_quietly(searched_story: Path, args: tuple[str, ...]) -> None:
    """``doccontrol search lao dong | head -1``: the reader has gone before the command writes."""
    process = subprocess.Popen([sys.executable, "-m", "doccontrol", "--home", str(searched_story), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # as `head` does once it has its line
    errors = process.stderr.read().decode("utf-8", "replace")
    code = process.wait(timeout=120)
    assert code == EXIT_CLOSED_PIPE, errors
    assert "BrokenPipe" not in errors and "không mong đợi" not in errors and "Exception" not in errors, errors
