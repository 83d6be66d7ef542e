"""Issue 14 end to end: scans (OCR in Vietnamese), .doc/.odt/.rtf (LibreOffice), TCVN3 and VNI
Word files go through the whole pipeline and are found by search in correct Vietnamese; a scan
whose code cannot be read goes to quarantine, never into the repository; ``retry`` takes a file
out of quarantine once its cause is fixed.

Lean on purpose (OCR and LibreOffice are slow): one workspace for the module, two scans of
three pages in all, each file converted or recognised once.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from support.legacy_docs import legacy_docx
from support.workspace import make_workspace, run, spec

from doccontrol.core import legacy_fonts
from doccontrol.demo.samples import build_docx
from doccontrol.demo.scans import can_build_scans, scan_pdf
from doccontrol.extract.convert import soffice
from doccontrol.extract.ocr import missing_packages

pytestmark = pytest.mark.slow

HAVE_OCR = can_build_scans() and not missing_packages("vie")
HAVE_LIBREOFFICE = soffice() is not None
SCAN = spec("QT-07/LĐTBXH", revision=2, issued=dt.date(2024, 3, 5), effective=dt.date(2024, 3, 20),
            tthc=("1.000105",))
BLOTTED = spec("QT-08/LĐTBXH", revision=1, title="Giải quyết trợ cấp thất nghiệp", tthc=("1.001978",))
TITLE = "Hỗ trợ học nghề cho người lao động đang hưởng trợ cấp thất nghiệp"


def _json(result: object) -> list[dict[str, object]]:
    return json.loads(result.stdout)  # type: ignore[attr-defined]


def _set_ocr_language(home: Path, language: str) -> None:
    config = home / "doccontrol.toml"
    lines = [f'ocr_language = "{language}"' if line.startswith("ocr_language") else line
             for line in config.read_text(encoding="utf-8").splitlines()]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _libreoffice_to(src: Path, fmt: str, out: Path) -> Path:
    program = soffice()
    assert program is not None
    profile = out / "profile"
    subprocess.run([program, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", fmt, "--outdir", str(out), str(src)], check=True, capture_output=True,
                   timeout=180)
    return out / f"{src.stem}.{fmt}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The files an office drops, built once: scans, and old-format and legacy-font documents."""
    folder = tmp_path_factory.mktemp("real")
    files: dict[str, Path] = {}
    if HAVE_OCR:
        files["scan"] = scan_pdf(SCAN, folder / "scan-0007.pdf", pages=(1, 2), angle=2.0)
        # the code's row (label and value) under a stain: nothing there to read
        files["blotted"] = scan_pdf(BLOTTED, folder / "scan-0008.pdf", pages=(1,), angle=-1.5,
                                    blot=(0.08, 0.15, 0.46, 0.24))
    tcvn3 = legacy_docx(build_docx(spec("QT-14/LĐTBXH", title=TITLE), folder / "u14.docx"),
                        folder / "QT-14 TCVN3.docx", legacy_fonts.TCVN3)
    files["tcvn3"] = tcvn3
    files["vni"] = legacy_docx(build_docx(spec("QT-15/LĐTBXH", title=TITLE), folder / "u15.docx"),
                               folder / "QT-15 VNI.docx", legacy_fonts.VNI)
    if HAVE_LIBREOFFICE:
        # a Word 97-2003 file typed in TCVN3: LibreOffice writes its ư (0xAD) as a soft hyphen
        doc_src = legacy_docx(build_docx(spec("QT-11/LĐTBXH", title=TITLE), folder / "u11.docx"),
                              folder / "quy-trinh-11.docx", legacy_fonts.TCVN3)
        files["doc"] = _libreoffice_to(doc_src, "doc", folder)
        files["odt"] = _libreoffice_to(build_docx(spec("QT-12/LĐTBXH"), folder / "quy-trinh-12.docx"), "odt", folder)
        files["rtf"] = _libreoffice_to(build_docx(spec("QT-13/LĐTBXH"), folder / "quy-trinh-13.docx"), "rtf", folder)
    return files


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, built: dict[str, Path]) -> Path:
    home = make_workspace(tmp_path_factory.mktemp("ws"))
    inbox = home / "inbox" / "LDVL"
    if HAVE_OCR:
        # OCR "not installed" (a language nobody has): the scan waits in quarantine...
        _set_ocr_language(home, "xyz")
        shutil.copy(built["scan"], inbox)
        first = _json(run(home, "ingest", "--inbox", "--json"))
        assert [(r["status"], r["cause"]) for r in first] == [("quarantined", "ocr_missing")]
        reason = (home / "quarantine" / "LDVL" / "scan-0007.pdf.reason.txt").read_text(encoding="utf-8")
        assert "apt-get install tesseract-ocr-xyz" in reason and "doccontrol retry" in reason
        # ...until the cause is fixed and it is tried again
        _set_ocr_language(home, "vie")
        retried = run(home, "retry", "--all", "--json")
        assert retried.exit_code == 0, retried.output
        assert [(r["status"], r["code"], r["revision"]) for r in _json(retried)] == [("ingested", "QT-07/LĐTBXH", 2)]
        assert list((home / "quarantine").rglob("*")) == [home / "quarantine" / "LDVL"]
        shutil.copy(built["blotted"], inbox)
    for key in ("tcvn3", "vni", "doc", "odt", "rtf"):
        if key in built:
            shutil.copy(built[key], inbox)
    result = run(home, "ingest", "--inbox", "--json")
    home.joinpath("outcomes.json").write_text(result.stdout, encoding="utf-8")
    return home


def _outcomes(home: Path) -> dict[str, dict[str, object]]:
    return {Path(str(r["file"])).name: r for r in json.loads((home / "outcomes.json").read_text(encoding="utf-8"))}


def _meta(home: Path, slug: str) -> dict[str, object]:
    return json.loads((home / "procedures" / "LDVL" / slug / "meta.json").read_text(encoding="utf-8"))


@pytest.mark.skipif(not HAVE_OCR, reason="OCR needs tesseract-ocr, tesseract-ocr-vie and poppler-utils")
def test_a_scan_is_read_by_ocr_and_found_without_diacritics(home: Path) -> None:
    meta = _meta(home, "qt-07-ldtbxh")
    assert (meta["code"], meta["revision"]) == ("QT-07/LĐTBXH", 2)
    assert (meta["issued"], meta["effective"]) == ("2024-03-05", "2024-03-20")
    assert meta["tthc"] == ["1.000105"]
    assert meta["text_source"] == "ocr" and 70 <= float(meta["ocr_confidence"]) <= 100  # type: ignore[arg-type]
    assert "identity_source" not in meta  # read from the text itself, with confidence
    original = home / "procedures" / "LDVL" / "qt-07-ldtbxh" / "original.pdf"
    assert original.read_bytes().startswith(b"%PDF")  # the dropped bytes are the record
    shown = run(home, "show", "QT-07/LĐTBXH")
    assert "nhận dạng chữ (OCR) từ bản scan, độ tin cậy trung bình" in shown.stdout
    hits = _json(run(home, "search", "giay phep lao dong nguoi nuoc ngoai", "--json"))
    assert "QT-07/LĐTBXH" in [h["code"] for h in hits]
    listed = run(home, "list", "--format", "csv")
    assert "bản scan, OCR" in listed.stdout


@pytest.mark.skipif(not HAVE_OCR, reason="OCR needs tesseract-ocr, tesseract-ocr-vie and poppler-utils")
def test_a_scan_whose_code_cannot_be_read_is_quarantined_never_filed(home: Path) -> None:
    outcome = _outcomes(home)["scan-0008.pdf"]
    assert (outcome["status"], outcome["cause"]) == ("quarantined", "scan_unreadable")
    reason = (home / "quarantine" / "LDVL" / "scan-0008.pdf.reason.txt").read_text(encoding="utf-8")
    assert "_lan-" in reason and "QT-01-LĐTBXH_lan-2.pdf" in reason
    codes = [p["code"] for p in _json(run(home, "list", "--json"))]
    assert not any("08" in str(code) for code in codes), codes


def test_legacy_font_word_files_are_converted_and_found(home: Path) -> None:
    outcomes = _outcomes(home)
    for name, code, encoding in (("QT-14 TCVN3.docx", "QT-14/LĐTBXH", "tcvn3"), ("QT-15 VNI.docx", "QT-15/LĐTBXH", "vni")):
        assert (outcomes[name]["status"], outcomes[name]["code"]) == ("ingested", code)
        meta = _meta(home, code.lower().replace("/", "-").replace("đ", "d"))
        assert meta["legacy_encoding"] == encoding and meta["title"] == TITLE
        text = (home / "procedures" / "LDVL" / meta["slug"] / "text.txt").read_text(encoding="utf-8")  # type: ignore[operator]
        assert "Cộng hòa xã hội chủ nghĩa Việt Nam".lower() in text.lower() and "người lao động" in text
    hits = _json(run(home, "search", "hoc nghe nguoi lao dong", "--json"))
    assert {"QT-14/LĐTBXH", "QT-15/LĐTBXH"} <= {h["code"] for h in hits}
    assert any(TITLE == h["title"] for h in hits)


@pytest.mark.skipif(not HAVE_LIBREOFFICE, reason="needs LibreOffice (libreoffice-writer-nogui)")
def test_doc_odt_and_rtf_go_through_libreoffice(home: Path) -> None:
    outcomes = _outcomes(home)
    expected = {"quy-trinh-11.doc": "QT-11/LĐTBXH", "quy-trinh-12.odt": "QT-12/LĐTBXH",
                "quy-trinh-13.rtf": "QT-13/LĐTBXH"}
    for name, code in expected.items():
        assert (outcomes[name]["status"], outcomes[name]["code"]) == ("ingested", code), outcomes[name]
    slug = "qt-11-ldtbxh"
    assert (home / "procedures" / "LDVL" / slug / "original.doc").read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    meta = _meta(home, slug)
    assert meta["legacy_encoding"] == "tcvn3" and meta["title"] == TITLE  # ư came back from the soft hyphen
    hits = _json(run(home, "search", "nguoi lao dong dang huong tro cap", "--json"))
    assert "QT-11/LĐTBXH" in {h["code"] for h in hits}
