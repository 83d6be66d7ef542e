"""Integrity of the controlled repository: every revision's bytes match their recorded sha256, and
every commit's message is one doccontrol can read (``history``: strict trailers)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from doccontrol.core.names import printable
from doccontrol.repo import history, layout
from doccontrol.repo.index_sync import revision_files

if TYPE_CHECKING:
    from doccontrol.repo.gateway import Repository


@dataclass
class IntegrityReport:
    revisions_checked: int = 0
    mismatches: list[str] = field(default_factory=list)
    commits_checked: int = 0
    unreadable: list[str] = field(default_factory=list)  # commits whose message does not parse

    @property
    def clean(self) -> bool:
        return not self.mismatches and not self.unreadable

    def as_json(self) -> dict[str, object]:
        return {"revisions_checked": self.revisions_checked, "mismatches": self.mismatches,
                "commits_checked": self.commits_checked, "unreadable_commits": self.unreadable}


def check_messages(repo: Repository, report: IntegrityReport) -> None:
    """Every commit's message read strictly; those that do not parse are reported (they count
    for nothing in history, so a hand-made or forged commit is seen here, never believed)."""
    if repo.head() is None:
        return
    events = history.read_log(repo.git, "HEAD")
    report.commits_checked = len(events)
    for event in history.unreadable(events):
        report.unreadable.append(
            f"commit {event.commit[:12] or '?'}: thông điệp commit không đọc được, không được tính "
            f"(unreadable commit message, not counted: {printable(event.problem)})"
        )


def check_revisions(repo: Repository) -> IntegrityReport:
    """Read every revision's original bytes (through one git process) and compare digests.

    The digest recorded in the revision's metadata must match the stored bytes; the work tree's
    copy of the current revision must match too.
    """
    report = IntegrityReport()
    check_messages(repo, report)
    tags = repo.revision_numbers()
    with repo.blobs() as blobs:
        for state in repo.procedures():
            folder = layout.procedure_dir(state.office, state.slug)
            for revision in tags.get(state.slug, []):
                tag = layout.revision_ref(state.slug, revision)
                found = revision_files(blobs, folder, state.slug, revision)
                if found is None:
                    report.mismatches.append(f"{state.code} lần {revision}: thiếu meta.json (missing metadata)")
                    continue
                home, meta_bytes = found
                recorded = json.loads(meta_bytes)
                data = blobs.read(f"{tag}:{layout.original_path(home, recorded.get('ext', ''))}")
                report.revisions_checked += 1
                if data is None:
                    report.mismatches.append(f"{state.code} lần {revision}: thiếu tệp gốc (original missing)")
                elif hashlib.sha256(data).hexdigest() != recorded.get("sha256"):
                    report.mismatches.append(
                        f"{state.code} lần {revision}: sha256 không khớp (stored bytes do not match the recorded sha256)"
                    )
            worktree = repo.path / layout.original_path(folder, state.ext)
            if not worktree.is_file() or hashlib.sha256(worktree.read_bytes()).hexdigest() != state.sha256:
                report.mismatches.append(
                    f"{state.code}: bản trong thư mục làm việc khác lần {state.revision} đã lưu "
                    "(the work-tree copy differs from the committed revision)"
                )
    return report
