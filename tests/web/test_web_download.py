"""A download streamed from git answers as ``send_file`` did: the exact bytes and their length,
an ETag with conditional requests, byte ranges, HEAD without a body."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from doccontrol import service
from doccontrol.web import create_app
from doccontrol.workspace import load


def test_a_streamed_download_answers_conditions_ranges_and_head(story: Path) -> None:
    workspace = load(story)
    state = next(s for s in service.procedures(workspace) if s.ext == "docx" and s.revision > 1)
    client = create_app(story, testing=True).test_client()
    for revision in (1, state.revision):
        data, then = service.export(workspace, state.code, revision)
        path = f"/download/{revision}/{quote(state.code, safe='/')}"
        whole = client.get(path)
        assert whole.status_code == 200 and whole.data == data
        assert whole.headers["Content-Length"] == str(len(data)) and whole.headers["Accept-Ranges"] == "bytes"
        assert whole.headers["ETag"] == f'"{then.sha256}"'
        assert whole.headers["Cache-Control"] == "no-cache, max-age=0"
        assert client.get(path, headers={"If-None-Match": whole.headers["ETag"]}).status_code == 304
        part = client.get(path, headers={"Range": "bytes=100-1099"})
        assert part.status_code == 206 and part.data == data[100:1100]
        assert part.headers["Content-Range"] == f"bytes 100-1099/{len(data)}"
        tail = client.get(path, headers={"Range": f"bytes=-{len(data) - 70000 if len(data) > 70000 else 10}"})
        assert tail.status_code == 206 and data.endswith(tail.data) and tail.data
        head = client.head(path)
        assert head.status_code == 200 and head.data == b"" and head.headers["Content-Length"] == str(len(data))
        assert client.get(path, headers={"Range": f"bytes={len(data) + 5}-"}).status_code == 416
