"""The text of a scanned PDF, recognised in Vietnamese with Tesseract.

Runs inside the extraction worker (``extract/sandbox.py``), which gives it the OCR limits (time
per page, memory). Each page is

1. rendered by poppler's ``pdftoppm`` at the scan's own resolution (the pixels per inch of the
   page's largest image: a 300 dpi scan read at 200 dpi misreads its dates), in colour;
2. turned grey through its red channel, so a red stamp over the text fades to the paper's tone
   while black and blue ink stay dark;
3. straightened (the skew a scanner's feeder gives, up to 5°, found by the angle at which the
   rows of ink are sharpest) and cleared of speckle (a 3-pixel median) at 250 dpi and above;
4. read by Tesseract (through ``pytesseract``) with the language data ``vie``, one thread per
   process (``OMP_THREAD_LIMIT=1``: several times faster on a busy two-core machine), pages in
   parallel up to the number of CPUs; a page that reads badly is turned by Tesseract's
   orientation detection (a page scanned sideways or upside down) and read again.

The words come back with their confidences (what decides whether a scan's code can be
trusted: ``core.scan_identity``), the lines in reading order (block, paragraph, line). The
dropped PDF is never changed.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from doccontrol.core.model import Limits, OcrResult, OcrWord, Stage
from doccontrol.core.text import clean
from doccontrol.extract.limits import raised_memory
from doccontrol.extract.validate import refusal

Progress = Callable[[int, int, float], None]  # (pages done, pages in all, seconds the next may take)

DEFAULT_DPI = 300
MIN_DPI, MAX_DPI = 100, 600
_DESKEW_MAX_DEGREES = 5.0
_DESKEW_WIDTH = 1000  # pixels the skew is measured at
_MEDIAN_MIN_DPI = 250
_REREAD_BELOW = 60.0  # mean confidence under which a page is turned by OSD and read again
_MAX_JOBS = 4

DEBIAN_PACKAGES = {"tesseract": "tesseract-ocr", "pdftoppm": "poppler-utils"}


def language_package(language: str) -> str:
    return f"tesseract-ocr-{language.replace('_', '-').lower()}"


def missing_packages(language: str) -> list[str]:
    """The Debian packages OCR still needs here (empty: OCR can run)."""
    missing = [package for tool, package in DEBIAN_PACKAGES.items() if shutil.which(tool) is None]
    if "tesseract-ocr" in missing:
        return missing + [language_package(language)]
    try:
        import pytesseract

        languages = set(pytesseract.get_languages(config=""))
    except Exception:  # noqa: BLE001 - a broken installation is a missing one
        return missing + [language_package(language)]
    if language not in languages:
        missing.append(language_package(language))
    return missing


def engine_version(language: str) -> str:
    import pytesseract

    try:
        return f"tesseract {pytesseract.get_tesseract_version()} ({language})"
    except Exception:  # noqa: BLE001 - the version is only a label
        return f"tesseract ({language})"


# --- resolution -----------------------------------------------------------------------------

def scan_resolutions(path: Path) -> list[int]:
    """Pixels per inch of each page's largest image (``DEFAULT_DPI`` for a page without one)."""
    from pypdf import PdfReader

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        reader.decrypt("")
    return [_page_dpi(page) for page in reader.pages]


def _page_dpi(page: object) -> int:
    try:
        box = page.mediabox  # type: ignore[attr-defined]
        width_in, height_in = float(box.width) / 72, float(box.height) / 72
        if int(page.get("/Rotate", 0) or 0) % 180:  # type: ignore[attr-defined]
            width_in, height_in = height_in, width_in
        resources = page.get("/Resources") or {}  # type: ignore[attr-defined]
        xobjects = resources.get("/XObject") or {}
        best = (0, 0)
        for ref in xobjects.values():
            image = ref.get_object()
            if image.get("/Subtype") != "/Image":
                continue
            size = (int(image.get("/Width", 0)), int(image.get("/Height", 0)))
            if size[0] * size[1] > best[0] * best[1]:
                best = size
    except Exception:  # noqa: BLE001 - an odd page is read at the default resolution
        return DEFAULT_DPI
    if not best[0] or width_in <= 0 or height_in <= 0:
        return DEFAULT_DPI
    # the larger of the two axes (a scan placed with its long side along the page's)
    dpi = max(max(best) / max(width_in, height_in), min(best) / min(width_in, height_in))
    return int(min(MAX_DPI, max(MIN_DPI, round(dpi / 10) * 10)))


# --- one page -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageText:
    lines: tuple[str, ...]
    words: tuple[OcrWord, ...]

    @property
    def mean(self) -> float:
        return statistics.fmean(w.confidence for w in self.words) if self.words else 0.0


def render_page(pdf: Path, number: int, dpi: int, folder: Path, seconds: float) -> Path:
    """Page ``number`` (1-based) of ``pdf`` as a PNG at ``dpi``, by pdftoppm."""
    prefix = folder / f"page-{number}"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(number), "-l", str(number), "-singlefile", "-png",
         str(pdf), str(prefix)],
        check=True, capture_output=True, timeout=seconds,
    )
    return prefix.with_suffix(".png")


def skew_angle(image: object) -> float:
    """Degrees to turn ``image`` (a greyscale PIL image) by so that its lines are level.

    The angle whose rows of ink are sharpest (the largest sum of squared differences between
    neighbouring row sums), searched coarse then fine, on a small copy of the page.
    """
    import numpy as np
    from PIL import Image

    scale = _DESKEW_WIDTH / max(image.size)  # type: ignore[attr-defined]
    small = image.resize((max(1, int(image.size[0] * scale)), max(1, int(image.size[1] * scale))))  # type: ignore[attr-defined]
    ink = Image.fromarray(((np.asarray(small) < 128) * 255).astype("uint8"))

    def sharpness(angle: float) -> float:
        rows = (np.asarray(ink.rotate(angle, resample=Image.NEAREST)) > 0).sum(axis=1).astype(float)
        return float(((rows[1:] - rows[:-1]) ** 2).sum())

    coarse = max(np.arange(-_DESKEW_MAX_DEGREES, _DESKEW_MAX_DEGREES + 0.01, 1.0), key=sharpness)
    fine = max(np.arange(coarse - 1.0, coarse + 1.01, 0.2), key=sharpness)
    return round(float(fine), 2)


def prepare(png: Path, dpi: int) -> Path:
    """The page made ready for Tesseract (see the module's steps 2-3), written over ``png``."""
    from PIL import Image, ImageFilter

    with Image.open(png) as opened:
        grey = opened.convert("RGB").split()[0]
    angle = skew_angle(grey)
    if abs(angle) >= 0.2:
        grey = grey.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if dpi >= _MEDIAN_MIN_DPI:
        grey = grey.filter(ImageFilter.MedianFilter(3))
    grey.save(png, dpi=(dpi, dpi))
    return png


def _read(png: Path, language: str, dpi: int, seconds: float) -> PageText:
    import pytesseract

    data = pytesseract.image_to_data(
        str(png), lang=language, config=f"--psm 3 --dpi {dpi}", timeout=seconds,
        output_type=pytesseract.Output.DICT,
    )
    lines: dict[tuple[int, int, int], list[str]] = {}
    words: list[OcrWord] = []
    for i, raw in enumerate(data["text"]):
        word = clean(raw or "").strip()
        confidence = float(data["conf"][i])
        if not word or confidence < 0:
            continue
        words.append(OcrWord(word, round(confidence, 1)))
        lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(word)
    return PageText(tuple(" ".join(ws) for ws in lines.values()), tuple(words))


def _turned(png: Path, seconds: float) -> bool:
    """Turn the page upright by Tesseract's orientation detection; False when it is already."""
    import pytesseract
    from PIL import Image

    try:
        osd = pytesseract.image_to_osd(str(png), config="--psm 0", timeout=seconds,
                                       output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:
        return False  # too little text to tell
    rotate = int(osd.get("rotate", 0)) % 360
    if not rotate:
        return False
    with Image.open(png) as image:
        dpi = image.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))
        image.rotate(-rotate, expand=True).save(png, dpi=dpi)
    return True


def read_page(pdf: Path, number: int, dpi: int, language: str, seconds: float) -> PageText:
    """Render, prepare and read page ``number``; a page that reads badly is turned and read again."""
    with tempfile.TemporaryDirectory(prefix="doccontrol-ocr-") as folder:
        png = prepare(render_page(pdf, number, dpi, Path(folder), seconds), dpi)
        page = _read(png, language, dpi, seconds)
        if page.mean < _REREAD_BELOW and _turned(png, seconds):
            again = _read(png, language, dpi, seconds)
            if again.mean > page.mean:
                page = again
        return page


# --- the document ---------------------------------------------------------------------------

def _jobs() -> int:
    return max(1, min(_MAX_JOBS, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))


def ocr_pdf(path: Path, limits: Limits, progress: Progress | None = None) -> tuple[str, OcrResult]:
    """The recognised text of every page of the scan at ``path``, and how it was recognised.

    Raises ``Refused`` (extract stage): ``ocr_missing`` when a tool is not installed (naming the
    Debian packages), ``ocr_too_many_pages``, ``timeout`` for a page over its time.
    """
    missing = missing_packages(limits.ocr_language)
    if missing:
        raise refusal(Stage.EXTRACT, "ocr_missing", packages=" ".join(missing))
    resolutions = scan_resolutions(path)
    total = len(resolutions)
    if total > limits.ocr_max_pages:
        raise refusal(Stage.EXTRACT, "ocr_too_many_pages", pages=total, limit=limits.ocr_max_pages)
    os.environ["OMP_THREAD_LIMIT"] = "1"  # Tesseract's own threads fight over a busy machine
    seconds = limits.ocr_page_seconds
    if progress:
        progress(0, total, seconds)
    pages: list[PageText] = []
    try:
        with raised_memory(limits.ocr_memory_mb), ThreadPoolExecutor(max_workers=min(_jobs(), max(total, 1))) as pool:
            futures = [pool.submit(read_page, path, n + 1, dpi, limits.ocr_language, seconds)
                       for n, dpi in enumerate(resolutions)]
            for done, future in enumerate(futures, 1):
                pages.append(future.result())
                if progress:
                    progress(done, total, seconds)
    except (subprocess.TimeoutExpired, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) and "timeout" not in str(exc).lower():
            raise
        raise refusal(Stage.EXTRACT, "timeout", seconds=f"{seconds:g}") from None
    words = tuple(w for page in pages for w in page.words)
    text = "\n".join(line for page in pages for line in page.lines)
    mean = round(statistics.fmean(w.confidence for w in words), 1) if words else 0.0
    return text, OcrResult(mean_confidence=mean, pages=total, words=words,
                           engine=engine_version(limits.ocr_language))
