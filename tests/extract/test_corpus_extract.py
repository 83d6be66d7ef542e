"""Every file of the shared robustness corpus through sniff + the sandboxed extractor.

Each ends as ``Extracted`` or ``Refused`` (never another exception, never a hang), and the
encrypted PDFs behave as ``corpus/README.md`` says: owner-only or empty-password files open,
files that need a user password are refused as ``encrypted``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from doccontrol.extract.sandbox import Extractor
from doccontrol.extract.validate import Limits, sniff
from doccontrol.core.model import Extracted, Refused, Stage

pytestmark = pytest.mark.slow  # the whole shared corpus through the extraction worker

# Generous per file (the 117-page GeoTopo PDF takes ~6 s); the point is that nothing hangs.
LIMITS = Limits(timeout_seconds=45)

# Need a user password that nobody gave us.
NEEDS_PASSWORD = {
    "005-libreoffice-writer-password_libreoffice-writer-password.pdf",
    "pypdf_crazyones-encrypted-256.pdf",
    "pypdf_enc_r2-user-password.pdf",
    "pypdf_enc_r3-user-password.pdf",
    "pypdf_enc_r4-aes-user-password.pdf",
    "pypdf_enc_r4-user-password.pdf",
    "pypdf_enc_r6-both-passwords.pdf",
    "pypdf_encrypted-file.pdf",
}
# Encrypted, but the empty password opens them. The r5/r6 "user-password" files were made with
# ``qpdf --encrypt USER "" 256``: their *owner* password is empty, so they open without a secret
# (pypdf reports PasswordType.OWNER_PASSWORD) and are read like any other file.
OPEN_WITHOUT_PASSWORD = {
    "pypdf_enc_r2-empty-password.pdf",
    "pypdf_enc_r2-owner-password.pdf",
    "pypdf_enc_r3-empty-password.pdf",
    "pypdf_enc_r4-aes-v2-no-key-length.pdf",
    "pypdf_enc_r4-owner-password.pdf",
    "pypdf_enc_r5-empty-password.pdf",
    "pypdf_enc_r5-owner-password.pdf",
    "pypdf_enc_r5-user-password.pdf",
    "pypdf_enc_r6-empty-password.pdf",
    "pypdf_enc_r6-owner-password.pdf",
    "pypdf_enc_r6-user-password.pdf",
}


@pytest.fixture(scope="module")
def extractor() -> Iterator[Extractor]:
    with Extractor(LIMITS) as worker:
        yield worker


def run(path: Path, extractor: Extractor) -> Extracted | Refused:
    try:
        return extractor.extract(path, sniff(path, LIMITS))
    except Refused as exc:
        assert exc.reason.stage in (Stage.VALIDATE, Stage.EXTRACT)
        assert exc.reason.message_vi and exc.reason.message_en and exc.reason.advice_vi
        return exc


def corpus_files(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.iterdir() if not p.name.startswith("LICENSE"))
    assert files, f"empty corpus folder {folder}"
    return files


def test_every_pdf_is_extracted_or_refused(corpus_dir: Path, extractor: Extractor) -> None:
    results: dict[str, Extracted | Refused] = {}
    for path in corpus_files(corpus_dir / "pdf"):
        started = time.monotonic()
        results[path.name] = run(path, extractor)
        assert time.monotonic() - started < LIMITS.timeout_seconds + 5, path.name

    causes = {name: r.reason.cause for name, r in results.items() if isinstance(r, Refused)}
    for name in NEEDS_PASSWORD:
        assert causes.get(name) == "encrypted", name
    for name in OPEN_WITHOUT_PASSWORD:
        result = results[name]
        assert isinstance(result, Extracted), (name, causes.get(name))
        assert "pdf encryption test" in result.text
    assert {name for name, cause in causes.items() if cause == "encrypted"} == NEEDS_PASSWORD
    assert set(causes.values()) <= {"encrypted", "no_text", "damaged"}, causes

    # The plain text documents of the sample set are read, in page order.
    four = results["004-pdflatex-4-pages_pdflatex-4-pages.pdf"]
    assert isinstance(four, Extracted) and four.pages == 4
    google = results["011-google-doc-document_google-doc-document.pdf"]
    assert isinstance(google, Extracted)
    assert google.properties.title == "PDF Example Document"
    assert google.text.startswith("Example document")
    # Image-only samples have no text layer.
    assert causes["019-grayscale-image_grayscale-image.pdf"] == "no_text"


def test_every_docx_is_extracted(corpus_dir: Path, extractor: Extractor) -> None:
    results = {path.name: run(path, extractor) for path in corpus_files(corpus_dir / "docx")}
    refused = {name: r.reason.cause for name, r in results.items() if isinstance(r, Refused)}
    assert refused == {}, refused  # python-docx's own test files are all well-formed

    def text(name: str) -> str:
        result = results[name]
        assert isinstance(result, Extracted)
        return result.text

    assert text("hdr-header-footer.docx").split("\n")[0] == "Header for section-1"
    assert text("hdr-header-footer.docx").split("\n")[-1] == "Footer for section 1"
    assert text("tbl-cell-access.docx").split("\n")[0] == "1 | 2 | 3"
    odd_even = text("doc-odd-even-hdrs.docx").split("\n")
    assert odd_even[:2] == ["Odd page header.", "Even page header."]
    coreprops = results["doc-coreprops.docx"]
    no_coreprops = results["doc-no-coreprops.docx"]
    assert isinstance(coreprops, Extracted) and coreprops.properties.title == "Title"
    assert isinstance(no_coreprops, Extracted) and no_coreprops.properties.title == ""
