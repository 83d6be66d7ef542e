"""The layout of the controlled repository: every path and ref name doccontrol writes (pure).

::

    <OFFICE>/<slug>/original.<ext>   the dropped bytes of the current revision, byte-identical
    <OFFICE>/<slug>/text.txt         the extracted text (``git diff`` / ``git grep`` work on it)
    <OFFICE>/<slug>/meta.json        the procedure's current metadata
    <OFFICE>/<slug>/history/r<N>/    a historical revision: one recorded after a higher one (lần 2
                                     loaded after lần 3), with its own original.<ext>, text.txt and
                                     meta.json; never the current revision, never moved or changed
    _catalog/catalog.json            the TTHC catalog (one commit per import; ``catalog undo`` commits too)
    _catalog/scope.json              which TTHC of the catalog are the workspace's own (``catalog scope``)
    _settings/organisation.json      the offices' names and the fields → offices map (``fields assign``)
    _links/links.json                manual links and internal procedures
    _reviews/<slug>.json             a procedure's confirmed reviews
    _laws/replaced.json              legal documents recorded as replaced
    refs/tags/<slug>/r<N>            one tag per revision

Every revision has its tag. A revision committed in order (the newest so far) lives at the top of
its procedure's folder at its tag; a historical one under ``history/r<N>/`` (from its tag on, and
at every later commit). :func:`revision_dirs` names both places, the historical one first.

Folders whose name starts with ``_`` are never offices. Nothing outside ``doccontrol.repo``
builds these names.
"""

from __future__ import annotations

from doccontrol.core.lazy_pattern import lazy_pattern
from doccontrol.core.text import slugify

BRANCH = "main"
META = "meta.json"
TEXT = "text.txt"
ORIGINAL_STEM = "original"
HISTORY = "history"
RESERVED_PREFIX = "_"
CATALOG_FILE = "_catalog/catalog.json"
SCOPE_FILE = "_catalog/scope.json"
ORGANISATION_FILE = "_settings/organisation.json"
LINKS_FILE = "_links/links.json"
REVIEWS_DIR = "_reviews"
LAWS_FILE = "_laws/replaced.json"
TAGS = "refs/tags"
SLUG_MAX = 120  # characters of a folder name made from a code (a longer one is cut and marked)
_SLUG = lazy_pattern(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


def procedure_dir(office: str, slug: str) -> str:
    """``OFFICE/slug``: a procedure's folder, relative to the repository."""
    return f"{office}/{slug}"


def meta_path(folder: str) -> str:
    return f"{folder}/{META}"


def text_path(folder: str) -> str:
    return f"{folder}/{TEXT}"


def original_path(folder: str, ext: str) -> str:
    return f"{folder}/{ORIGINAL_STEM}.{ext}"


def history_dir(folder: str, revision: int) -> str:
    """``OFFICE/slug/history/r<N>``: where a historical revision's files live."""
    return f"{folder}/{HISTORY}/r{revision}"


def revision_dirs(folder: str, revision: int) -> tuple[str, str]:
    """Where revision ``revision``'s files may be at its tag: its historical folder, else the
    procedure's folder (read the first that holds a ``meta.json``)."""
    return history_dir(folder, revision), folder


def review_path(slug: str) -> str:
    """The file that records a procedure's confirmed reviews."""
    return f"{REVIEWS_DIR}/{slug}.json"


def is_reserved(name: str) -> bool:
    """True for a top-level folder that is not an office (catalog, links, reviews, laws)."""
    return name.startswith(RESERVED_PREFIX)


def is_office_folder(name: str) -> bool:
    """True for a top-level folder that may hold procedures (not reserved, not ``.git``)."""
    return bool(name) and not is_reserved(name) and not name.startswith(".")


def is_slug(name: str) -> bool:
    """True for a name :func:`candidate_slugs` can give (so a lookup never reads anything else)."""
    return len(name) <= SLUG_MAX + 7 and _SLUG.fullmatch(name) is not None


def procedure_of(path: str) -> str | None:
    """The procedure folder (``OFFICE/slug``) a repository path belongs to, if any."""
    parts = path.split("/")
    if len(parts) >= 3 and not is_reserved(parts[0]):
        return f"{parts[0]}/{parts[1]}"
    return None


def is_meta(path: str) -> bool:
    """True for a procedure's ``OFFICE/slug/meta.json``."""
    parts = path.split("/")
    return len(parts) == 3 and parts[2] == META and not is_reserved(parts[0])


def slug_of(folder: str) -> str:
    return folder.split("/", 1)[1]


def revision_tag(slug: str, revision: int) -> str:
    """The tag name of one revision (without ``refs/tags/``)."""
    return f"{slug}/r{revision}"


def revision_ref(slug: str, revision: int) -> str:
    return f"{TAGS}/{revision_tag(slug, revision)}"


def parse_revision_tag(name: str) -> tuple[str, int] | None:
    """``(slug, revision)`` of a tag name made by :func:`revision_tag`, else None."""
    slug, sep, rev = name.rpartition("/r")
    if sep and slug and rev.isdigit():
        return slug, int(rev)
    return None


def candidate_slugs(code_key: str) -> tuple[str, str]:
    """The folder names a code may live under: its slug, else the slug plus a short hash.

    Slugs fold punctuation (``qt-01/x`` and ``qt.01.x`` share one), so the second form keeps
    distinct codes apart without making every folder name ugly. A slug longer than
    :data:`SLUG_MAX` is cut and marked with the hash (a folder name must fit in a file name; a
    5,000-character code is still a lookup, never an error).
    """
    import hashlib  # only for a slug that is taken (OpenSSL is not loaded at start-up)

    digest = hashlib.sha1(code_key.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    slug = slugify(code_key)
    if len(slug) > SLUG_MAX:
        slug = f"{slug[:SLUG_MAX - 7].rstrip('-')}-{digest}"
    return slug, f"{slug}-{digest}"
