"""Old and other word-processor files (.doc, .odt, .rtf) read through LibreOffice headless.

Runs inside the extraction worker, which gives it the conversion limits (time, memory).
LibreOffice converts a private copy of the file to .docx in a temporary folder, with a profile
directory of its own (so it never touches a user's profile, and two conversions never share
one), in a process group of its own that is killed whole when it runs over its time. The .docx
is then read by the .docx extractor, so that everything it knows applies: tables, headers, and
the runs in TCVN3/VNI fonts (LibreOffice writes TCVN3's ư, byte 0xAD, as ``<w:softHyphen/>``,
which that reader turns back into ư). The dropped bytes stay the record; the .docx is thrown away.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from doccontrol.core.model import Extracted, Limits, Refused, Stage
from doccontrol.extract.docx import extract_docx
from doccontrol.extract.limits import raised_memory
from doccontrol.extract.validate import CONVERTED_REFUSALS, refusal

DEBIAN_PACKAGE = "libreoffice-writer-nogui"
CONVERTED_KINDS = ("doc", "odt", "rtf")


def soffice() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _run(command: list[str], seconds: float, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """Run ``command`` in a new process group; on timeout kill the whole group (soffice starts
    soffice.bin and helpers), then raise ``TimeoutExpired``."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                          start_new_session=True, env=env) as proc:
        try:
            out, err = proc.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.communicate()
            raise
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def unreadable(kind: str, detail: str) -> Refused:
    """A file LibreOffice cannot read: refused with the cause it had before doccontrol read such
    files (``legacy_doc`` for a .doc, ...), in words that say it could not be read."""
    reason = refusal(Stage.EXTRACT, "unreadable_conversion", kind=kind, detail=detail).reason
    return Refused(dataclasses.replace(reason, cause=CONVERTED_REFUSALS[kind][0]))


def convert_and_extract(path: Path, kind: str, limits: Limits) -> Extracted:
    """The text of the .doc/.odt/.rtf at ``path`` (``kind``), through LibreOffice → .docx.

    Raises ``Refused`` (extract stage): the file's usual refusal naming the package when
    LibreOffice is not installed, ``timeout``, ``damaged`` when LibreOffice cannot read it.
    """
    program = soffice()
    if program is None:
        cause, fields = CONVERTED_REFUSALS[kind]
        raise refusal(Stage.EXTRACT, cause, package=DEBIAN_PACKAGE, **fields)
    with tempfile.TemporaryDirectory(prefix="doccontrol-convert-") as tmp, raised_memory(limits.convert_memory_mb):
        folder = Path(tmp)
        source = folder / f"source.{kind}"
        shutil.copyfile(path, source)
        out = folder / "out"
        profile = folder / "profile"
        env = dict(os.environ, HOME=str(folder))  # nothing of the user's is read or written
        command = [program, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
                   "--nolockcheck", f"-env:UserInstallation={profile.as_uri()}",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)]
        try:
            run = _run(command, limits.convert_seconds, env)
        except subprocess.TimeoutExpired:
            raise refusal(Stage.EXTRACT, "timeout", seconds=f"{limits.convert_seconds:g}") from None
        converted = out / "source.docx"
        if not converted.is_file():
            detail = (run.stderr or run.stdout).decode("utf-8", "replace").strip()[:200]
            raise unreadable(kind, f"LibreOffice could not convert it (exit {run.returncode}): {detail}")
        extracted = extract_docx(converted)
    return dataclasses.replace(extracted, kind=kind)
