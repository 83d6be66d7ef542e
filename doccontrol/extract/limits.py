"""The address-space limit of the extraction worker, raised for a converter while it runs.

The worker lives under a small limit (``Limits.memory_mb``: parsing a .docx or a PDF needs
little) with a hard limit as large as the largest converter's. LibreOffice and OCR need more:
for their time the soft limit is raised to theirs, and the programs they start inherit it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from doccontrol.core.model import Limits


def hard_limit_mb(limits: Limits) -> int:
    """The worker's hard address-space limit: room for the largest converter."""
    return max(limits.memory_mb, limits.ocr_memory_mb, limits.convert_memory_mb)


@contextlib.contextmanager
def raised_memory(memory_mb: int) -> Iterator[None]:
    """Raise the soft address-space limit to ``memory_mb`` (within the hard one) for the block.

    Nothing changes in a process without a limit (a test calling the extractors directly).
    """
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        yield
        return
    wanted = memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (max(soft, wanted), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
