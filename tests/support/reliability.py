"""Support for the reliability tests and ``bench/stress.py`` (no tests here).

- ``DocFactory`` (``support.documents``): distinct, real procedure documents fast, by revision.
- ``Ledger``: every file a test drops (office, name, sha256), so the end state can be accounted.
- ``account``: the exact accounting of issue 6 — every dropped file is one revision with those
  bytes, or one quarantined copy beside its reason, or a duplicate of a committed identical
  file; no revision or quarantined copy that was not dropped, none twice; every revision's
  author is the office whose folder it came from, and its bytes match its recorded sha256.
- ``Sentinel``: a folder outside the workspace whose files must keep their bytes and mtimes.
- ``repository_checks``: ``git fsck``, a clean work tree, ``doccontrol verify``.
- ``fault_campaign``: waves of drops into a watcher that is killed again and again (see there).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import math
import os
import random
import signal
import subprocess
import time
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from support.documents import DocFactory, code_for
from support.watch import log_text, logged, start_watcher
from support.waiting import wait_until, writer_idle
from support.workspace import OFFICES, git, run_process

from doccontrol.demo.samples import ProcedureSpec
from doccontrol.repo.gitcmd import AUTHOR_DOMAIN
from doccontrol.repo.messages import parse_trailers


CONTROLLER = "VP"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Dropped:
    office: str  # the inbox folder it was dropped into ("" straight into inbox/, else the folder name)
    name: str
    sha256: str
    note: str = ""


@dataclass
class Ledger:
    """What was dropped. ``write`` drops bytes atomically (temp name, then rename)."""

    home: Path
    drops: list[Dropped] = field(default_factory=list)

    def write(self, office: str, name: str, data: bytes, note: str = "", atomic: bool = True) -> Path:
        folder = self.home / "inbox" / office if office else self.home / "inbox"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        if atomic:
            tmp = folder / f".drop-{os.getpid()}-{len(self.drops)}.part"
            tmp.write_bytes(data)
            os.replace(tmp, target)
        else:
            target.write_bytes(data)
        self.record(office, name, data, note)
        return target

    def record(self, office: str, name: str, data: bytes, note: str = "") -> None:
        self.drops.append(Dropped(office.split("/", 1)[0], name, sha256(data), note))


@dataclass(frozen=True)
class Revision:
    tag: str
    commit: str
    author_office: str  # from the author e-mail
    office_trailer: str
    owner: str
    slug: str
    sha256_trailer: str
    sha256_meta: str
    sha256_bytes: str
    source: str


@dataclass
class Accounting:
    dropped: int = 0
    revisions: int = 0
    quarantined: int = 0
    duplicates_reported: int = 0  # dropped files that match a committed revision they did not create
    lost: list[Dropped] = field(default_factory=list)
    twice: list[str] = field(default_factory=list)  # revisions/copies beyond the drops that explain them
    unexplained: list[str] = field(default_factory=list)  # revisions or copies nobody dropped
    wrong_author: list[str] = field(default_factory=list)
    corrupt: list[str] = field(default_factory=list)  # bytes differ from the recorded sha256
    missing_reason: list[str] = field(default_factory=list)
    untagged_ingest_commits: list[str] = field(default_factory=list)
    inbox_left: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return not (self.lost or self.twice or self.unexplained or self.wrong_author or self.corrupt
                    or self.missing_reason or self.untagged_ingest_commits or self.inbox_left)

    def problems(self) -> dict[str, list[str]]:
        return {k: [str(x) for x in v] for k, v in dataclasses.asdict(self).items() if isinstance(v, list) and v}

    def summary(self) -> dict[str, object]:
        return {
            "dropped": self.dropped, "revisions": self.revisions, "quarantined": self.quarantined,
            "duplicates_reported": self.duplicates_reported, "lost": len(self.lost), "twice": len(self.twice),
            "unexplained": len(self.unexplained), "wrong_author": len(self.wrong_author),
            "corrupt": len(self.corrupt), "missing_reason": len(self.missing_reason),
            "untagged_ingest_commits": len(self.untagged_ingest_commits), "inbox_left": len(self.inbox_left),
        }


def git_bytes(home: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(home / "procedures"), *args], capture_output=True, check=True).stdout


def revisions(home: Path) -> list[Revision]:
    """Every revision tag of the repository, read back from git (message, meta.json, original bytes)."""
    out = git(home, "for-each-ref", "--format=%(refname:strip=2)%00%(*objectname)%(objectname)", "refs/tags")
    result: list[Revision] = []
    for line in out.splitlines():
        tag, _, commit = line.partition("\0")
        commit = commit[:40]
        message = git(home, "log", "-1", "--format=%ae%x00%B", commit)
        email, _, body = message.partition("\0")
        trailers = parse_trailers(body)
        rel = f"{trailers.get('Owner', '')}/{trailers.get('Slug', '')}"
        meta = json.loads(git_bytes(home, "show", f"{commit}:{rel}/meta.json"))
        data = git_bytes(home, "show", f"{commit}:{rel}/original.{meta.get('ext', '')}")
        result.append(Revision(
            tag=tag, commit=commit,
            author_office=email.split("@", 1)[0].upper() if email.endswith("@" + AUTHOR_DOMAIN) else email,
            office_trailer=trailers.get("Office", ""), owner=trailers.get("Owner", ""),
            slug=trailers.get("Slug", ""), sha256_trailer=trailers.get("Sha256", ""),
            sha256_meta=str(meta.get("sha256", "")), sha256_bytes=sha256(data), source=trailers.get("Source-File", ""),
        ))
    return result


def ingest_commits(home: Path) -> list[str]:
    out = git(home, "log", "--format=%H%x1f%B%x1e", "main")
    commits = []
    for entry in out.split("\x1e"):
        entry = entry.strip("\n")
        if not entry:
            continue
        commit, _, body = entry.partition("\x1f")
        if parse_trailers(body).get("Action") == "ingest":
            commits.append(commit)
    return commits


def quarantine_files(home: Path) -> list[tuple[str, Path]]:
    """(office folder, path) of every quarantined copy (dot-files are temporaries, not copies)."""
    root = home / "quarantine"
    found = []
    for path in sorted(root.rglob("*")):
        if path.name.endswith(".reason.txt") or path.name.startswith(".") or path.is_dir() and not path.is_symlink():
            continue
        found.append((path.relative_to(root).parts[0], path))
    return found


def _file_sha(path: Path) -> str:
    if path.is_symlink() or not path.is_file():
        return f"special:{path.name}"
    return sha256(path.read_bytes())


def account(home: Path, drops: Iterable[Dropped], inbox_must_be_empty: bool = True) -> Accounting:
    """The exact accounting of a workspace against what was dropped into it."""
    drops = list(drops)
    result = Accounting(dropped=len(drops))
    revs = revisions(home)
    result.revisions = len(revs)
    quarantine = quarantine_files(home)
    result.quarantined = len(quarantine)
    tagged = {r.commit for r in revs}
    result.untagged_ingest_commits = [c for c in ingest_commits(home) if c not in tagged]

    for rev in revs:
        if not (rev.sha256_bytes == rev.sha256_meta == rev.sha256_trailer):
            result.corrupt.append(f"{rev.tag}: bytes {rev.sha256_bytes[:12]} meta {rev.sha256_meta[:12]} "
                                  f"trailer {rev.sha256_trailer[:12]}")
        if rev.author_office != rev.office_trailer:
            result.wrong_author.append(f"{rev.tag}: author {rev.author_office}, Office trailer {rev.office_trailer}")

    # Revisions: each must be explained by a drop of the same bytes from the author's folder.
    dropped_by = Counter((d.office, d.sha256) for d in drops)
    dropped_sha = Counter(d.sha256 for d in drops)
    rev_sha = Counter(r.sha256_bytes for r in revs)
    for rev in revs:
        if dropped_sha[rev.sha256_bytes] == 0:
            result.unexplained.append(f"revision {rev.tag} ({rev.sha256_bytes[:12]}) was never dropped")
        elif dropped_by[(rev.author_office, rev.sha256_bytes)] == 0:
            result.wrong_author.append(f"revision {rev.tag} authored by {rev.author_office}, "
                                       "but no file with those bytes was dropped in that folder")
    for sha, count in rev_sha.items():
        if count > 1:
            result.twice.append(f"{count} revisions hold the bytes {sha[:12]}")

    # Quarantined copies: each explained by a drop of the same bytes in that folder (or outside
    # any office folder, for the _khong-ro-phong quarantine), with its reason beside it.
    special = {unicodedata.normalize("NFC", d.name) for d in drops if d.note.startswith("special")}
    q_count: Counter[tuple[str, str]] = Counter()
    for office, path in quarantine:
        digest = f"special:{path.name}" if path.name in special else _file_sha(path)
        q_count[(office, digest)] += 1
        if not path.with_name(path.name + ".reason.txt").is_file():
            result.missing_reason.append(str(path.relative_to(home)))
        if digest.startswith("special:"):
            continue
        explained = dropped_by[(office, digest)] or (office.startswith("_") and dropped_sha[digest])
        if not explained:
            result.unexplained.append(f"quarantined {path.relative_to(home)} ({digest[:12]}) was never dropped there")
    for (office, digest), count in q_count.items():
        allowed = dropped_by[(office, digest)] if not office.startswith("_") else dropped_sha[digest]
        if not digest.startswith("special:") and count > max(allowed, 1):
            result.twice.append(f"{count} quarantined copies of {digest[:12]} in {office}")

    # One drop is one revision or one quarantined copy, never both.
    q_by_sha: Counter[str] = Counter()
    for (office, digest), count in q_count.items():
        if not digest.startswith("special:"):
            q_by_sha[digest] += count
    for digest in set(rev_sha) & set(q_by_sha):
        if rev_sha[digest] + q_by_sha[digest] > dropped_sha[digest]:
            result.twice.append(f"the bytes {digest[:12]} are both committed and quarantined "
                                f"({rev_sha[digest]} + {q_by_sha[digest]} for {dropped_sha[digest]} drop(s))")

    # Drops: each is a revision, a quarantined copy, or a duplicate of a committed file.
    committed = set(rev_sha)
    quarantined_sha = {(o, d) for o, d in q_count} | {("*", d) for o, d in q_count if o.startswith("_")}
    used_revisions: Counter[str] = Counter()
    for drop in drops:
        if drop.sha256 in committed:
            used_revisions[drop.sha256] += 1
            if used_revisions[drop.sha256] > 1:
                result.duplicates_reported += 1
            continue
        if (drop.office, drop.sha256) in quarantined_sha or ("*", drop.sha256) in quarantined_sha:
            continue
        if drop.note.startswith("special"):
            continue  # a link or FIFO: accounted by name below
        result.lost.append(drop)
    special_names = {path.name for _, path in quarantine}
    for drop in drops:
        if drop.note.startswith("special") and unicodedata.normalize("NFC", drop.name) not in special_names:
            result.lost.append(drop)
    if inbox_must_be_empty:
        result.inbox_left = sorted(str(p.relative_to(home)) for p in (home / "inbox").rglob("*")
                                   if (p.is_file() or p.is_symlink()) and not p.name.startswith("."))
    return result


# --- outside the workspace ---------------------------------------------------------------------


@dataclass
class Sentinel:
    """Files outside the workspace that hostile drops point at: they must not change at all."""

    folder: Path
    snapshot: dict[str, tuple[bytes, int]] = field(default_factory=dict)

    @classmethod
    def create(cls, folder: Path, docs: DocFactory | None = None) -> Sentinel:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "secret.txt").write_text("Mật khẩu máy chủ: KHÔNG ĐƯỢC ĐỌC\n", encoding="utf-8")
        if docs is not None:
            (folder / "outside.docx").write_bytes(docs.data(code_for(9999, "OUT")))
            (folder / "linked.docx").write_bytes(docs.data(code_for(9998, "OUT")))
        (folder / "sub").mkdir(exist_ok=True)
        (folder / "sub" / "inner.docx").write_bytes(b"PK\x03\x04 not really")
        sentinel = cls(folder)
        sentinel.snapshot = sentinel.take()
        return sentinel

    def take(self) -> dict[str, tuple[bytes, int]]:
        return {
            str(p.relative_to(self.folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(self.folder.rglob("*")) if p.is_file()
        }

    def changes(self) -> list[str]:
        now = self.take()
        changed = [name for name in set(self.snapshot) | set(now) if self.snapshot.get(name) != now.get(name)]
        return sorted(changed)


# --- the repository as a whole -------------------------------------------------------------------


def doccontrol(home: Path, *args: str, env: dict[str, str] | None = None,
               timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``python -m doccontrol --home HOME ARGS`` as a real process (a long timeout: hostile input)."""
    return run_process(home, *args, env=env, timeout=timeout)


def repository_checks(home: Path) -> dict[str, object]:
    """``git fsck`` (no dangling noise), a clean work tree, and ``doccontrol verify`` (``service.verify``)."""
    fsck = subprocess.run(["git", "-C", str(home / "procedures"), "fsck", "--no-dangling", "--no-progress"],
                          capture_output=True, text=True)
    status = git(home, "status", "--porcelain")
    from doccontrol import service
    from doccontrol.workspace import open_workspace

    try:  # in this process (what `doccontrol verify --json` prints, without starting an interpreter)
        report = service.verify(open_workspace(home)).as_json()
    except Exception as exc:  # noqa: BLE001 - a verify that crashes is an unhealthy verdict
        report = {"healthy": False, "error": f"{type(exc).__name__}: {exc}"}
    return {
        "fsck_ok": fsck.returncode == 0 and not fsck.stdout.strip(),
        "fsck": (fsck.stdout + fsck.stderr).strip()[:2000],
        "worktree_clean": status == "",
        "status": status[:2000],
        "verify_ok": bool(report.get("healthy")),
        "verify": report,
    }


def make_workspace(root: Path) -> Path:
    """A workspace with the four offices of the tests (VP is the document controller)."""
    from doccontrol.service import init

    init(root, offices=dict(OFFICES), controller=CONTROLLER)
    return root


# --- hostile inputs ----------------------------------------------------------------------------------


def raw_pdf(objects: list[bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF from numbered object bodies (object n = objects[n-1]) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R ".encode() + trailer_extra
    out += f">>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length " + str(len(data)).encode() + b" " + extra + b" >>\nstream\n" + data + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf_cyclic_page_tree() -> bytes:
    """The page tree's Kids point back at its root through a second node."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1 >>",
    ])


def pdf_deep_page_tree(depth: int = 20000) -> bytes:
    """Pages nodes nested ``depth`` levels deep before the only page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        objects.append(f"<< /Type /Pages /Kids [{level + 3} 0 R] /Count 1 >>".encode())
    content = len(objects) + 2
    objects.append(f"<< /Type /Page /MediaBox [0 0 200 200] /Contents {content} 0 R "
                   f"/Resources << /Font << /F1 {content + 1} 0 R >> >> >>".encode())
    objects.append(_stream(b"BT /F1 12 Tf 10 10 Td (Ma hieu: QT-77/DEEP) Tj ET"))
    objects.append(_FONT)
    return raw_pdf(objects)


def pdf_flate_bomb(inflated_mb: int = 200) -> bytes:
    """A page whose content stream inflates to ``inflated_mb`` MB (zlib, ~1000:1)."""
    import zlib

    compressor = zlib.compressobj(9)
    chunk = b"0 0 m " * (1 << 17)
    parts = [compressor.compress(chunk) for _ in range(inflated_mb * (1 << 20) // len(chunk))]
    data = b"".join(parts) + compressor.flush()
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        _stream(data, b"/Filter /FlateDecode"),
    ])


def pdf_many_text_pages(pages: int = 400, ops_per_page: int = 20000) -> bytes:
    """Huge (but within pypdf's limits) content streams full of text-showing operators."""
    import zlib

    body = b"BT /F1 1 Tf " + b"(x) Tj 0 1 Td " * ops_per_page + b"ET"
    packed = zlib.compress(body, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               ("<< /Type /Pages /Kids [" + " ".join(f"{4 + i} 0 R" for i in range(pages))
                + f"] /Count {pages} >>").encode(),
               _stream(packed, b"/Filter /FlateDecode")]
    font = 4 + pages
    for _ in range(pages):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 3 0 R "
                       f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode())
    objects.append(_FONT)
    return raw_pdf(objects)


def pdf_recursive_xobject() -> bytes:
    """A form XObject that draws itself (infinite recursion for a naive text extractor)."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
        b"/Resources << /XObject << /X1 5 0 R >> /Font << /F1 6 0 R >> >> >>",
        _stream(b"BT /F1 12 Tf 10 10 Td (Ma hieu: QT-78/XOBJ) Tj ET /X1 Do"),
        _stream(b"/X1 Do BT /F1 12 Tf (loop) Tj ET",
                b"/Type /XObject /Subtype /Form /BBox [0 0 200 200] /Resources << /XObject << /X1 5 0 R >> "
                b"/Font << /F1 6 0 R >> >>"),
        _FONT,
    ])


def pdf_xref_loop() -> bytes:
    """A trailer whose /Prev points at its own xref section (an endless xref chain)."""
    data = raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
    ])
    xref = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    return data.replace(b"/Root 1 0 R ", f"/Root 1 0 R /Prev {xref} ".encode())


def zip_bytes(members: Iterable[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            zf.writestr(info, data)
    return out.getvalue()


def docx_parts(docx_data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(docx_data)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def docx_edit(docx_data: bytes, part: str, edit: object, add: Iterable[tuple[str, bytes]] = ()) -> bytes:
    members = []
    for name, data in docx_parts(docx_data):
        if name == part:
            data = edit(data) if callable(edit) else edit  # type: ignore[assignment]
        members.append((name, data))
    return zip_bytes([*members, *add])


def docx_with_doctype(docx_data: bytes, secret: Path) -> bytes:
    """word/document.xml with an external entity pointing at a file outside the workspace."""
    def edit(xml: bytes) -> bytes:
        head, sep, rest = xml.partition(b"?>")
        doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode()
        rest = rest.replace(b"<w:t>", b"<w:t>&xxe;", 1)
        return head + sep + doctype + rest
    return docx_edit(docx_data, "word/document.xml", edit)


def docx_billion_laughs(docx_data: bytes) -> bytes:
    lol = (b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
           b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
    def edit(xml: bytes) -> bytes:
        head, sep, rest = xml.partition(b"?>")
        return head + sep + lol + rest.replace(b"<w:t>", b"<w:t>&lol3;", 1)
    return docx_edit(docx_data, "[Content_Types].xml", edit)


def docm(docx_data: bytes) -> bytes:
    def edit(xml: bytes) -> bytes:
        return xml.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
    return docx_edit(docx_data, "[Content_Types].xml", edit, add=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")])


def docx_deep_xml(docx_data: bytes, depth: int = 5000) -> bytes:
    """Content controls nested ``depth`` deep (random attributes, so the zip ratio stays normal)."""
    def edit(xml: bytes) -> bytes:
        opening = b"".join(b'<w:sdt w:x="%s"><w:sdtContent>' % os.urandom(6).hex().encode() for _ in range(depth))
        return xml.replace(b"<w:body>", b"<w:body>" + opening + b"</w:sdtContent></w:sdt>" * depth, 1)
    return docx_edit(docx_data, "word/document.xml", edit)


def ole_doc(stream: str = "WordDocument") -> bytes:
    """A minimal OLE compound file holding one (empty) stream named ``stream``."""
    import struct

    free, end, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 0x2C, 1, 1, 0, 4096)
    struct.pack_into("<IIII", header, 0x3C, end, 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    fat = struct.pack("<128I", fatsect, end, *([free] * 126))
    directory = bytearray(512)
    for i, name in enumerate(["Root Entry", stream]):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[:len(encoded)] = encoded
        struct.pack_into("<HBB", entry, 64, len(encoded), 5 if i == 0 else 2, 1)
        struct.pack_into("<III", entry, 68, free, free, 1 if i == 0 else free)
        struct.pack_into("<II", entry, 116, end, 0)
        directory[i * 128:(i + 1) * 128] = entry
    return bytes(header) + fat + bytes(directory)


@dataclass(frozen=True)
class Hostile:
    """One hostile drop: how it is placed in ``inbox/<office>/`` and what must become of it.

    ``expect``: "ingested", or the refusal causes that are acceptable.
    """

    name: str
    data: bytes | None = None
    kind: str = "file"  # file | symlink | hardlink | fifo | dir | symlink_dir
    target: str = ""  # for links: a path outside the workspace
    expect: tuple[str, ...] = ()
    office: str = "LDVL"

    def place(self, ledger: Ledger) -> Path:
        folder = ledger.home / "inbox" / self.office if self.office else ledger.home / "inbox"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / self.name
        if self.kind == "file":
            assert self.data is not None
            return ledger.write(self.office, self.name, self.data, note=self.name)
        if self.kind in ("symlink", "symlink_dir"):
            os.symlink(self.target, path)
        elif self.kind == "hardlink":
            os.link(self.target, path)
        elif self.kind == "fifo":
            os.mkfifo(path)
        elif self.kind == "dir":
            path.mkdir()
            assert self.data is not None
            (path / "inside.docx").write_bytes(self.data)
            ledger.record(self.office, f"{self.name}/inside.docx", self.data, note=self.name)
            return path
        ledger.drops.append(Dropped(self.office, self.name, f"special:{self.name}", note=f"special {self.kind}"))
        return path


def hostile_set(docs: DocFactory, sentinel: Sentinel, truncations: int = 12) -> list[Hostile]:
    """The hostile drops of issue 6 (plus a few good files with hard names, which must be ingested)."""
    good = docs.data(code_for(1, "GOOD"))
    from doccontrol.demo.samples import build_pdf

    pdf_path = docs.folder / "good.pdf"
    if not pdf_path.exists():
        build_pdf(ProcedureSpec(code="QT-0002/GOOD", office="LDVL",
                                title="Giải quyết chế độ trợ cấp thất nghiệp"), pdf_path)
    good_pdf = pdf_path.read_bytes()
    secret = sentinel.folder / "secret.txt"
    items = [
        Hostile("rỗng.docx", b"", expect=("empty",)),
        Hostile("rỗng.pdf", b"", expect=("empty",)),
        Hostile("văn bản.docx", "Mã hiệu: QT-5/TXT chỉ là chữ".encode(), expect=("unsupported_type",)),
        Hostile("thực ra là docx.pdf", docs.data(code_for(3, "GOOD")), expect=("ingested",)),
        Hostile("thực ra là pdf.docx", good_pdf.replace(b"QT-0002/GOOD", b"QT-0002/GOOD"), expect=("ingested",)),
        Hostile("ảnh.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, expect=("unsupported_type",)),
        Hostile("không đuôi", docs.data(code_for(4, "GOOD")), expect=("ingested",)),
        Hostile("zip-bomb-ratio.docx",
                zip_bytes([*docx_parts(good), ("word/media/zeros.bin", b"\0" * (150 << 20))]), expect=("zip_bomb",)),
        Hostile("zip-bomb-entries.docx",
                zip_bytes([*docx_parts(good), *((f"extra/item{n}.xml", b"<a/>") for n in range(6000))]),
                expect=("zip_bomb",)),
        Hostile("nested-zip.docx", zip_bytes([("inner.zip", zip_bytes([("a.txt", b"\0" * (1 << 20))]))]),
                expect=("not_docx", "zip_bomb")),
        Hostile("xxe.docx", docx_with_doctype(good, secret), expect=("xxe",)),
        Hostile("billion-laughs.docx", docx_billion_laughs(good), expect=("xxe",)),
        Hostile("macro.docm", docm(good), expect=("macro_enabled",)),
        Hostile("macro đổi tên.docx", docm(good), expect=("macro_enabled",)),
        Hostile("cũ.doc", ole_doc("WordDocument"), expect=("legacy_doc",)),
        Hostile("cũ đổi tên.docx", ole_doc("WordDocument"), expect=("legacy_doc",)),
        Hostile("mật khẩu.docx", ole_doc("EncryptedPackage"), expect=("encrypted",)),
        Hostile("zip-slip.docx", zip_bytes([*docx_parts(good), ("../../../outside-evil.txt", b"evil")]),
                expect=("unsafe_zip",)),
        Hostile("zip-absolute.docx", zip_bytes([*docx_parts(good), (f"{sentinel.folder}/evil.txt", b"evil")]),
                expect=("unsafe_zip",)),
        Hostile("deep-xml.docx", docx_deep_xml(good), expect=("damaged", "memory", "timeout")),
        Hostile("pdf-cyclic-tree.pdf", pdf_cyclic_page_tree(), expect=("damaged", "no_text", "no_code")),
        Hostile("pdf-deep-tree.pdf", pdf_deep_page_tree(), expect=("damaged", "no_text", "no_code", "timeout")),
        Hostile("pdf-flate-bomb.pdf", pdf_flate_bomb(), expect=("damaged", "memory", "timeout", "no_text")),
        Hostile("pdf-huge-streams.pdf", pdf_many_text_pages(), expect=("damaged", "memory", "timeout", "no_code")),
        Hostile("pdf-xobject-loop.pdf", pdf_recursive_xobject(), expect=("damaged", "no_code", "no_text")),
        Hostile("pdf-xref-loop.pdf", pdf_xref_loop(), expect=("damaged", "no_text")),
        # Names: NFD Vietnamese, spaces, 255 bytes; good files, which must be ingested.
        Hostile(__import__("unicodedata").normalize("NFD", "Quy trình cấp phép lao động.docx"),
                docs.data(code_for(5, "GOOD")), expect=("ingested",)),
        Hostile("  tên   có   nhiều   khoảng trắng  .docx", docs.data(code_for(6, "GOOD")), expect=("ingested",)),
        Hostile("đ" * 125 + ".docx", docs.data(code_for(7, "GOOD")), expect=("ingested",)),  # 250 + 5 bytes
        Hostile("Quy trình.pdf", good_pdf, expect=("ingested", "duplicate")),
        Hostile("đ" * 122 + "-rong.docx", b"", expect=("empty",)),  # 255 bytes, refused: its reason needs a name too
        # Links, FIFOs, folders.
        Hostile("liên kết.docx", kind="symlink", target=str(sentinel.folder / "outside.docx"),
                expect=("not_regular_file",)),
        Hostile("liên kết hỏng.docx", kind="symlink", target=str(sentinel.folder / "không có.docx"),
                expect=("not_regular_file",)),
        Hostile("thư mục liên kết", kind="symlink_dir", target=str(sentinel.folder / "sub"),
                expect=("not_regular_file",)),
        Hostile("liên kết cứng.docx", kind="hardlink", target=str(sentinel.folder / "linked.docx"),
                expect=("hard_link",)),
        Hostile("ống.docx", kind="fifo", expect=("not_regular_file",)),
        Hostile("giả tệp.docx", docs.data(code_for(8, "GOOD")), kind="dir", expect=("ingested",)),
        Hostile("PHONG-LIEN-KET", kind="symlink_dir", target=str(sentinel.folder / "sub"), office="",
                expect=("unknown_office", "not_regular_file")),  # a link in place of an office folder
        Hostile("QT-10.docx", docs.data(code_for(11, "BAD")), kind="dir", office="", expect=("unknown_office",)),
        # Outside any office folder.
        Hostile("thẳng vào inbox.docx", docs.data(code_for(9, "BAD")), office="", expect=("unknown_office",)),
        Hostile("phòng lạ.docx", docs.data(code_for(10, "BAD")), office="KHONGCO", expect=("unknown_office",)),
    ]
    for n in range(truncations):
        source, ext = (good, "docx") if n % 2 == 0 else (good_pdf, "pdf")
        cut = max(1, (len(source) * (n // 2 + 1)) // (truncations // 2 + 1))
        items.append(Hostile(f"cắt-{n:02d}-{cut}.{ext}", source[:cut],
                             expect=("damaged", "unsupported_type", "no_text", "empty", "no_code")))
    return items


def hostile_names(docs: DocFactory) -> list[list[Hostile]]:
    """The hostile *names* of issue 12, in two waves (a name's collision needs the first file
    quarantined before the second arrives). Good documents under such names must be ingested,
    attributed to their folder's office with their own revision; refused ones quarantined, none
    overwritten, every reason one line per field."""
    def good(n: int, revision: int = 1) -> bytes:
        return docs.data(code_for(n, "NAME"), revision)

    latin1 = os.fsdecode  # bytes of a name written by an old Windows machine (not UTF-8)
    first = [
        Hostile("e\rRevision: 7\r.docx", good(1), expect=("ingested",)),
        Hostile("x\nOffice: VP\nAction: withdraw\nRevision: 9\n.docx", good(2), expect=("ingested",)),
        Hostile("a\r\n\r\nAction: withdraw\r\nOwner: VP.docx", good(3), expect=("ingested",)),
        Hostile("\x1b]0;owned\x07\x1b[31mđỏ\x1b[0m.docx", good(4), expect=("ingested",)),
        Hostile("\u202ecod.exe.docx", good(5), expect=("ingested",)),
        Hostile("tên %41 %2 50% \x85\u2028.docx", good(6), expect=("ingested",)),
        Hostile(latin1(b"Quy tr\xecnh c\xe2p ph\xe9p.docx"), good(7), expect=("ingested",)),
        Hostile(latin1(b"h\xf4ng \xc0\xc1.docx"), b"not a document", expect=("unsupported_type",)),
        Hostile(latin1(b"\xe9" * 250 + b".docx"), b"", expect=("empty",)),
        Hostile("a.docx.reason.txt", b"dropped under a reason's name", expect=("unsupported_type",)),
        Hostile("b.docx", b"first b", expect=("unsupported_type",)),
        Hostile("hỏng\nLý do: đã duyệt.docx", b"", expect=("empty",)),
        Hostile("lạ.docx", good(8), office="X\nY", expect=("unknown_office",)),
        Hostile("lạ.docx", good(9), office=latin1(b"PH\xd2NG"), expect=("unknown_office",)),
    ]
    second = [
        Hostile("a.docx", b"second a", expect=("unsupported_type",)),  # its reason must not overwrite the first
        Hostile("b.docx.reason.txt", b"a name that is b.docx's reason", expect=("unsupported_type",)),
        Hostile("b.docx", b"second b", expect=("unsupported_type",)),
        Hostile("e\rRevision: 7\r lần 2.docx", good(1, 2), expect=("ingested",)),  # revision 2 of code 1
    ]
    return [first, second]


# --- the watcher under kill -9 ---------------------------------------------------------------------

# Where the fault campaign kills the watcher (doccontrol.faults), each with the largest :N drawn.
FAULT_POINTS = {
    "after_stage": 12, "after_extract": 12, "after_stream_commit": 10, "before_checkpoint": 3,
    "after_commit": 3, "after_release": 10, "after_quarantine_copy": 2, "after_quarantine": 2,
    "before_index": 3,
}
# The points where the file in hand is still in the inbox when the watcher dies there: a kill at
# one of them always leaves work for the next run of the same wave.
LEAVES_WORK = ("after_stage", "after_extract", "after_stream_commit", "before_checkpoint",
               "after_quarantine_copy", "after_quarantine")
# The watcher takes at most this many files per hold of the writer lock (``WatchOptions.batch_files``);
# each hold ends with one sync (checkpoint, release, index update).
BATCH_FILES = 20


def inbox_waiting(home: Path) -> int:
    return sum(1 for p in (home / "inbox").rglob("*")
               if (p.is_file() or p.is_symlink()) and not any(part.startswith(".") for part in p.parts[-1:]))


def wait_drained(home: Path, watcher: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Wait until no file waits in the inbox, the watcher staying up all along (else fail at once,
    with its log)."""
    def drained() -> bool:
        assert watcher.poll() is None, log_text(log)[-3000:]
        return inbox_waiting(home) == 0

    wait_until(drained, timeout, "the watcher to drain the inbox", log=log)


@dataclass
class Round:
    fault: str  # "point:N", "kill -9 after N file(s) + Xs", or "" (a clean run)
    fired: bool  # the watcher died of SIGKILL
    seconds: float
    waiting_after: int
    pid: int = 0  # the watcher's (and its process group's) id


@dataclass(frozen=True)
class ExternalKill:
    """``kill -9`` of the watcher's whole process group (its git fast-import and extraction worker
    too) from outside, at a random moment of its work: ``delay`` seconds after it has journaled
    ``after_files`` outcomes in this run. Anchored to the watcher's progress rather than to the
    clock, the kill lands while it works however fast the machine is (a kill "after 2.4 s" found
    an idle machine's watcher long done, and never fired)."""

    after_files: int
    delay: float

    def label(self) -> str:
        return f"kill -9 after {self.after_files} file(s) + {self.delay:.2f}s"


def _journal_size(home: Path) -> int:
    try:
        return (home / "logs" / "ingest.jsonl").stat().st_size
    except FileNotFoundError:
        return 0


def _journaled_since(home: Path, offset: int) -> int:
    """Complete journal records written after byte ``offset``."""
    try:
        with open(home / "logs" / "ingest.jsonl", "rb") as handle:
            handle.seek(offset)
            return handle.read().count(b"\n")
    except FileNotFoundError:
        return 0


def watcher_round(home: Path, log: Path, fault: str = "", kill: ExternalKill | None = None,
                  timeout: float = 60.0, watch_args: tuple[str, ...] = ()) -> Round:
    """Run a watcher until it dies (``fault``, a ``DOCCONTROL_FAULT`` point, fired), until ``kill``
    is due (then ``kill -9`` of its process group), or, without ``kill``, until it has drained the
    inbox (then SIGTERM); after ``timeout`` seconds it gets SIGTERM whatever it is doing."""
    env = {"DOCCONTROL_FAULT": fault} if fault else {}
    journal_start = _journal_size(home)
    started = time.monotonic()
    process = start_watcher(home, log, "--stable-seconds", "0.2", "--rescan-seconds", "2", *watch_args, env=env)
    start_line = f"watch start pid={process.pid} "
    seen_start = False
    kill_at: float | None = None

    def drained() -> bool:
        """It has started (and scanned the inbox), no file waits, and its last batch is over: the
        commits durable, the drops released and the search index updated, all under the writer lock."""
        nonlocal seen_start
        seen_start = seen_start or start_line in logged(home)  # the key=value log (the console speaks Vietnamese)
        return seen_start and inbox_waiting(home) == 0 and writer_idle(home)

    try:
        while process.poll() is None:  # a monitor: each pass checks the conditions that end the run
            now = time.monotonic()
            if kill is not None:
                if kill_at is None and _journaled_since(home, journal_start) >= kill.after_files:
                    kill_at = now + kill.delay
                if kill_at is not None and now >= kill_at:
                    os.killpg(process.pid, signal.SIGKILL)
                    break
            elif drained():
                process.send_signal(signal.SIGTERM)
                break
            if now - started > timeout:
                process.send_signal(signal.SIGTERM)
                break
            time.sleep(0.02)
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    # A watcher killed with -9 leaves its children (git fast-import, the extraction worker) to
    # end on their own, as after a real crash; they are not waited for here (see fault_campaign).
    label = fault or (kill.label() if kill is not None else "")
    return Round(label, code == -9, round(time.monotonic() - started, 2), inbox_waiting(home), process.pid)


def _group_git_processes(pgid: int) -> list[int]:
    """The ``git`` processes (an orphaned fast-import) left in process group ``pgid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.find("(") + 1:stat.rfind(")")]
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 2 and int(fields[2]) == pgid and comm.startswith("git") and fields[0] != "Z":
            found.append(int(entry.name))
    return found


@dataclass(frozen=True)
class PlannedDrop:
    """One drop of a campaign. ``kind``: ``new`` (revision 1 of a new code, by its owner),
    ``revision`` (revision 2, by the owner or the controller), ``other_office`` (revision 3 by an
    office that does not own the code) or ``damaged`` (a truncated file: always refused)."""

    office: str
    name: str
    data: bytes
    kind: str
    code: str = ""


def plan_drops(docs: DocFactory, count: int, rng: random.Random, prefix: str = "F",
               bad_every: int = 12) -> list[PlannedDrop]:
    """``count`` drops: mostly new procedures spread over the offices; every few a revision 2 of an
    earlier code by its owner, a revision by the controller (VP), an attempt by another office
    (refused: not the owner) or a broken file (refused: damaged)."""
    assert isinstance(rng, random.Random)
    offices = list(OFFICES)
    owned: list[tuple[str, str]] = []  # (code, owner) with revision 1 planned
    revised: set[str] = set()
    plan: list[PlannedDrop] = []  # every name is new: a name used twice would replace a drop
    n = 0
    while len(plan) < count:
        n += 1
        roll = rng.random()
        if owned and roll < 0.10:
            code, owner = rng.choice(owned)
            if code in revised:
                continue
            revised.add(code)
            who = owner if rng.random() < 0.7 else CONTROLLER
            plan.append(PlannedDrop(who, f"{code.replace('/', '_')} lần 2.docx", docs.data(code, 2), "revision", code))
        elif owned and roll < 0.14:
            code, owner = rng.choice(owned)
            other = rng.choice([o for o in offices if o not in (owner, CONTROLLER)])
            plan.append(PlannedDrop(other, f"{code.replace('/', '_')} của phòng khác {n}.docx",
                                    docs.data(code, 3, salt=f"x{n}"), "other_office", code))
        elif n % bad_every == 0:
            good = docs.data(code_for(n, prefix))
            plan.append(PlannedDrop(rng.choice(offices), f"hỏng-{n:04d}.docx",
                                    good[: rng.randrange(10, len(good) - 100)], "damaged"))
        else:
            office = rng.choice(offices)
            code = code_for(n, prefix)
            owned.append((code, office))
            plan.append(PlannedDrop(office, f"{code.replace('/', '_')}.docx", docs.data(code), "new", code))
    return plan


def certain_visits(home: Path, waiting: Sequence[PlannedDrop]) -> dict[str, int]:
    """How many times a watcher that works through the ``waiting`` drops certainly reaches each
    fault point, whatever order and batches it takes them in (a lower bound, from the drops and
    the repository as they are now):

    - every file is staged; every file but a damaged one is extracted;
    - every new code with no revision yet gets at least one commit and one release (its revision
      1, or a revision 2 or another office's drop of it that came first);
    - every damaged file is quarantined, and copied there unless a copy is there already (left by
      a crash after the copy);
    - a batch holds at most ``BATCH_FILES`` files and ends with one sync: ``after_commit`` at least
      once per ``BATCH_FILES`` files, ``before_checkpoint`` and ``before_index`` at least once per
      ``BATCH_FILES`` new commits.
    """
    from doccontrol.core.text import slugify

    committed = {tag.split("/", 1)[0] for tag in git(home, "tag", "-l").split()}
    new_codes = {d.code for d in waiting if d.kind == "new" and slugify(d.code) not in committed}
    damaged = [d for d in waiting if d.kind == "damaged"]
    fresh_damaged = [d for d in damaged if not (home / "quarantine" / d.office / d.name).exists()]
    commits, files = len(new_codes), len(waiting)
    return {
        "after_stage": files,
        "after_extract": files - len(damaged),
        "after_stream_commit": commits,
        "before_checkpoint": math.ceil(commits / BATCH_FILES),
        "after_commit": math.ceil(files / BATCH_FILES),
        "after_release": commits,
        "after_quarantine_copy": len(fresh_damaged),
        "after_quarantine": len(damaged),
        "before_index": math.ceil(commits / BATCH_FILES),
    }


def fault_campaign(home: Path, ledger: Ledger, docs: DocFactory, drops: int, waves: int, seed: int,
                   log: Path, external_kills: float = 0.25, rounds_per_wave: int = 2,
                   progress: object = None, watch_args: tuple[str, ...] = ("--young-seconds", "2"),
                   max_count: int = 99) -> dict[str, object]:
    """Drop ``drops`` files in ``waves``; after each wave run the watcher until it was killed
    ``rounds_per_wave`` times, then restart it; at the end one clean run drains the inbox.

    Each kill is drawn with ``seed`` so that it certainly happens while files wait: a fault point
    (``DOCCONTROL_FAULT=point:N``) among those the waiting files will reach, with N at most the
    number of times they certainly reach it (:func:`certain_visits`, capped by ``FAULT_POINTS``
    and ``max_count``); the kills before a wave's last are at points that leave the file in hand
    in the inbox (``LEAVES_WORK``), so the next run has work. A wave's last kill may instead
    (probability ``external_kills``) be a ``kill -9`` of the process group from outside at a
    random moment of the work (:class:`ExternalKill`). Before each run the campaign waits for the
    git fast-import orphaned by the previous kill to finish the commits it was given (it needs
    milliseconds; see docs/reliability.md), so that what the files certainly reach is counted
    on the repository as the next watcher finds it. The drops are written whole (temp name, then
    rename), so the watcher's patience with young files that do not parse yet (300 s by default)
    is cut to 2 s: the broken drops are refused at once."""
    rng = random.Random(seed)
    plan = plan_drops(docs, drops, rng)
    per_wave = -(-len(plan) // waves)
    rounds: list[Round] = []
    started = time.monotonic()
    last_pid: int | None = None
    for wave in range(waves):
        for drop in plan[wave * per_wave:(wave + 1) * per_wave]:
            ledger.write(drop.office, drop.name, drop.data)
        kills = tries = 0
        while kills < rounds_per_wave and tries < 3 * rounds_per_wave and inbox_waiting(home):
            tries += 1
            if last_pid is not None:
                pgid = last_pid
                wait_until(lambda: not _group_git_processes(pgid), 60, "the orphaned git fast-import to end")
            waiting = [d for d in plan if (home / "inbox" / d.office / d.name).exists()]
            last = kills == rounds_per_wave - 1
            reach = certain_visits(home, waiting)
            points = [p for p in sorted(FAULT_POINTS) if reach[p] > 0 and (last or p in LEAVES_WORK)]
            if last and rng.random() < external_kills:
                kill = ExternalKill(rng.randint(1, len(waiting)), round(rng.uniform(0.0, 0.1), 3))
                result = watcher_round(home, log, kill=kill, watch_args=watch_args)
            else:
                point = rng.choice(points)
                count = rng.randint(1, min(max_count, FAULT_POINTS[point], reach[point]))
                result = watcher_round(home, log, fault=f"{point}:{count}", watch_args=watch_args)
            rounds.append(result)
            kills += result.fired
            last_pid = result.pid
            if callable(progress):
                progress(wave, result)
    if last_pid is not None:
        pgid = last_pid
        wait_until(lambda: not _group_git_processes(pgid), 60, "the orphaned git fast-import to end")
    final = watcher_round(home, log, timeout=300, watch_args=watch_args)
    rounds.append(final)
    fired = [r for r in rounds if r.fired]
    return {
        "seconds": round(time.monotonic() - started, 1),
        "rounds": len(rounds),
        "faults_fired": len(fired),
        "fault_points_fired": dict(Counter(r.fault.split(":")[0] if ":" in r.fault else "kill -9 (external)"
                                           for r in fired)),
        "watcher_restarts": len(rounds) - 1,
        "left_in_inbox": final.waiting_after,
    }


def ingest_here(home: Path) -> tuple[int, list[dict[str, object]]]:
    """``doccontrol ingest --inbox --json`` in this process (click's runner): (exit code, records)."""
    from click.testing import CliRunner

    from doccontrol.cli import main

    result = CliRunner().invoke(main, ["--home", str(home), "ingest", "--inbox", "--json"], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else []
