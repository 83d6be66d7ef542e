"""Scans of the sample procedures, as a department's scanner makes them: for the demo, the tests
and ``bench/ocr.py``.

A sample procedure's PDF (``samples.build_pdf``) is rendered to page images by poppler's
``pdftoppm`` at the scan's resolution, and each page gets what a paper copy and a feeder give
it: a slight rotation, speckle, and a red stamp-like disc over the signature block; the pages are
wrapped, as images only, in a PDF (Pillow) that says its resolution. ``blot`` covers a region of
text (a code made unreadable by a stain).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from doccontrol.demo.samples import ProcedureSpec, build_pdf


def can_build_scans() -> bool:
    """Whether pdftoppm (Debian ``poppler-utils``) is here to render pages."""
    return shutil.which("pdftoppm") is not None


def _degrade(image: object, rng: random.Random, angle: float, dpi: int) -> object:
    from PIL import Image, ImageDraw

    page = image.convert("RGB")  # type: ignore[attr-defined]
    draw = ImageDraw.Draw(page)
    width, height = page.size
    radius = int(dpi * 0.7)
    cx, cy = int(width * 0.72), int(height * 0.40)
    for ring in range(0, radius // 6, 2):  # a stamp: a red ring, a star and a faint red fill
        draw.ellipse((cx - radius + ring, cy - radius + ring, cx + radius - ring, cy + radius - ring),
                     outline=(205, 40, 45))
    overlay = Image.new("RGB", page.size, (255, 255, 255))
    ImageDraw.Draw(overlay).ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=(235, 120, 120))
    page = Image.composite(page, overlay, Image.eval(overlay.convert("L"), lambda v: 255 if v > 250 else 180))
    pixels = page.load()
    for _ in range(width * height // 400):  # speckle
        x, y = rng.randrange(width), rng.randrange(height)
        grey = rng.choice((30, 90, 150))
        pixels[x, y] = (grey, grey, grey)
    return page.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=(250, 250, 248))


def scan_pdf(spec: ProcedureSpec, path: Path, pages: Sequence[int] = (1,), dpi: int = 300,
             angle: float = 2.0, seed: int = 14, blot: tuple[float, float, float, float] | None = None) -> Path:
    """Write a scan of ``pages`` (1-based) of ``spec`` at ``path`` and return it.

    ``angle``: degrees of rotation (1-3 is what a feeder gives); ``blot``: a region (fractions
    of the page: left, top, right, bottom) of the first page covered by a stain.
    """
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="doccontrol-scan-") as tmp:
        folder = Path(tmp)
        source = build_pdf(spec, folder / "source.pdf")
        images = []
        for number in pages:
            prefix = folder / f"page-{number}"
            subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(number), "-l", str(number), "-singlefile",
                            "-png", str(source), str(prefix)], check=True, capture_output=True)
            with Image.open(prefix.with_suffix(".png")) as rendered:
                page = rendered.convert("RGB")
            if blot is not None and number == pages[0]:
                w, h = page.size
                box = (int(blot[0] * w), int(blot[1] * h), int(blot[2] * w), int(blot[3] * h))
                ImageDraw.Draw(page).rectangle(box, fill=(40, 40, 40))
            images.append(_degrade(page, rng, angle if number % 2 else -angle * 0.6, dpi))
        path.parent.mkdir(parents=True, exist_ok=True)
        images[0].save(path, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:], quality=80)
    return path
