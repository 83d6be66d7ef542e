"""``doccontrol serve``: a real server process (waitress) on a free port, its warnings and errors."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from support.waiting import wait_until
from support.workspace import drop, make_workspace, run, spec

from doccontrol.cli.serve import is_loopback


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("LOCALHOST", True), ("0.0.0.0", False), ("::", False), ("192.168.1.10", False), ("so-ldtbxh.lan", False),
])
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def start(home: Path, *args: str, log: Path) -> tuple[subprocess.Popen[bytes], str | None]:
    handle = open(log, "wb")  # noqa: SIM115 - the child writes it; the test reads it back
    process = subprocess.Popen([sys.executable, "-m", "doccontrol", "--home", str(home), "serve", *args],
                               stdout=subprocess.DEVNULL, stderr=handle, stdin=subprocess.DEVNULL)
    handle.close()

    def port() -> str | None:
        match = re.search(r"http://\S+:(\d+)/", log.read_text(encoding="utf-8", errors="replace"))
        return match.group(1) if match else None

    wait_until(lambda: port() is not None or process.poll() is not None, 30,
               "doccontrol serve to print its address (or to exit)", log=log)
    return process, port()


def stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, bytes, Path]]:
    home = make_workspace(tmp_path)
    dropped = drop(home, "LDVL", spec(code="QT-05/LĐTBXH", title="Giải quyết hưởng trợ cấp thất nghiệp")).read_bytes()
    assert run(home, "ingest", "--inbox").exit_code == 0
    log = tmp_path / "serve.log"
    process, port = start(home, "--port", "0", log=log)
    try:
        assert port, log.read_text(encoding="utf-8")
        yield home, f"http://127.0.0.1:{port}", dropped, log
    finally:
        stop(process)


@pytest.mark.slow  # a real server process
def test_a_real_server_serves_pages_and_exact_downloads(served: tuple[Path, str, bytes, Path]) -> None:
    home, base, dropped, log = served
    with urllib.request.urlopen(base + "/?q=tro+cap+that+nghiep", timeout=30) as response:
        page = response.read().decode("utf-8")
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert response.headers["Server"] == "doccontrol"
    assert "QT-05/LĐTBXH" in page and "<mark>" in page
    with urllib.request.urlopen(base + "/download/1/" + quote("QT-05/LĐTBXH"), timeout=30) as response:
        assert response.read() == dropped
        assert "attachment" in response.headers["Content-Disposition"]
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(base + "/procedure/NOPE", timeout=30)
    assert missing.value.code == 404 and "Không tìm thấy" in missing.value.read().decode("utf-8")
    with pytest.raises(urllib.error.HTTPError) as posted:
        urllib.request.urlopen(urllib.request.Request(base + "/", data=b"q=x", method="POST"), timeout=30)
    assert posted.value.code == 405
    assert "WARNING" not in log.read_text(encoding="utf-8")  # loopback: no warning


@pytest.mark.slow  # a real server process
def test_sigterm_stops_the_server_cleanly(tmp_path: Path) -> None:
    home = make_workspace(tmp_path)
    log = tmp_path / "serve.log"
    process, port = start(home, "--port", "0", log=log)
    assert port, log.read_text(encoding="utf-8")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=30) as response:
        assert response.status == 200
    # A request body (the site never reads one) is refused by waitress before it is spooled anywhere.
    with socket.create_connection(("127.0.0.1", int(port)), timeout=30) as conn:
        conn.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n" + b"x" * 65536)
        assert conn.recv(200).split(b"\r\n", 1)[0].endswith(b"413 Request Entity Too Large")
    with pytest.raises(urllib.error.HTTPError) as long_code:  # a 5,000-character code: a missing page
        urllib.request.urlopen(f"http://127.0.0.1:{port}/procedure/{'Q' * 5000}", timeout=30)
    assert long_code.value.code == 404
    assert stop(process) == 0
    assert "Đã dừng trang web" in log.read_text(encoding="utf-8")
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)


@pytest.mark.slow  # a real server process
def test_another_address_warns_and_a_busy_port_is_a_usage_error(tmp_path: Path) -> None:
    home = make_workspace(tmp_path)
    log = tmp_path / "lan.log"
    process, port = start(home, "--host", "0.0.0.0", "--port", "0", log=log)
    try:
        assert port, log.read_text(encoding="utf-8")
        text = log.read_text(encoding="utf-8")
        assert "CẢNH BÁO" in text and "WARNING" in text and "no login" in text
    finally:
        assert stop(process) == 0
    assert "Đã dừng trang web" in log.read_text(encoding="utf-8")

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        taken = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "doccontrol", "--home", str(home), "serve", "--port", str(taken)],
                                capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert f"Không mở được cổng {taken}" in result.stderr and "Traceback" not in result.stderr
