"""Many distinct, real procedure documents (.docx), fast.

Building a .docx with ``doccontrol.demo.samples.build_docx`` takes ~70 ms; the burst, watcher
and reliability tests need hundreds. ``DocFactory`` builds one template per revision number
and makes every further document by replacing the procedure code inside the template's zip
(a few ms): real, distinct, parseable documents. The ``docs`` fixture (``conftest.py``) is one
factory for the whole session.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from doccontrol.demo.samples import ProcedureSpec, build_docx

PLACEHOLDER = "QT-900/ZZW"
TITLE = "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam"


def code_for(number: int, prefix: str = "R") -> str:
    """A procedure code such as ``QT-0042/R``: distinct numbers give distinct codes."""
    return f"QT-{number:04d}/{prefix}"


class DocFactory:
    """Real .docx procedures of office LDVL's layout differing by code (and revision)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._templates: dict[int, list[tuple[zipfile.ZipInfo, bytes]]] = {}

    def _parts(self, revision: int) -> list[tuple[zipfile.ZipInfo, bytes]]:
        if revision not in self._templates:
            the_spec = ProcedureSpec(
                code=PLACEHOLDER, office="LDVL", revision=revision, title=TITLE,
                body_paragraphs=tuple(f"Sửa đổi lần {n}: bổ sung bước kiểm tra hồ sơ." for n in range(2, revision + 1)),
            )
            template = build_docx(the_spec, self.folder / f"template-r{revision}.docx")
            with zipfile.ZipFile(template) as zf:
                parts = [(info, zf.read(info)) for info in zf.infolist()]
            assert any(PLACEHOLDER.encode() in data for _, data in parts), "the template lost its code"
            self._templates[revision] = parts
        return self._templates[revision]

    def data(self, code: str, revision: int = 1, salt: str = "") -> bytes:
        """The bytes of procedure ``code`` at ``revision``; ``salt`` changes the bytes, not the text."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in self._parts(revision):
                zf.writestr(info, data.replace(PLACEHOLDER.encode(), code.encode()))
            if salt:
                zf.writestr("docProps/custom-salt.xml", f"<salt>{salt}</salt>")
        return out.getvalue()

    def write(self, path: Path, code: str, revision: int = 1) -> Path:
        """Write procedure ``code`` at ``revision`` to ``path`` (its folder created)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.data(code, revision))
        return path
