"""``doccontrol serve``: the read-only web view, served by waitress (a pure-Python WSGI server)."""

from __future__ import annotations

import ipaddress
import logging
import signal

import click

from doccontrol.cli.app import get_workspace, main, say
from doccontrol.errors import UsageError


# The site is read-only (GET): nothing is ever submitted. waitress' defaults accept a 1 GB body
# (spooled to a temporary file) and 256 KB of headers; these refuse a body (413) and long headers
# (431) before any of it reaches the disk or the application (whose MAX_CONTENT_LENGTH agrees).
SERVER_LIMITS: dict[str, int] = {
    "max_request_body_size": 1024,
    "max_request_header_size": 64 * 1024,
    "inbuf_overflow": 64 * 1024,
}


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach: ``127.0.0.0/8``, ``::1``, ``localhost``."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def url_for(host: str, port: int) -> str:
    """Where the site is, as a browser writes it; every-address hosts say so beside."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    note = " (mọi địa chỉ của máy này / every address of this machine)" if host in ("0.0.0.0", "::") else ""
    return f"http://{shown}:{port}/{note}"


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback exposes the site to the network (the department's LAN).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="Port to listen on (0: any free port, printed at start).")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Requests served at the same time.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve the read-only web view: search, procedures, master list, coverage, status.

    Loopback only by default. With --host 0.0.0.0 (or a LAN address) every computer that can reach
    this one can read every procedure: there is no login. Stop with Ctrl+C.
    """
    workspace = get_workspace(ctx)
    from doccontrol.web import create_app

    run_server(create_app(workspace, warm=True), host, port, threads)


def run_server(app: object, host: str, port: int, threads: int) -> None:
    """Serve ``app`` with waitress until Ctrl+C or SIGTERM, with the limits and the warning of
    ``serve`` (the province's ``serve`` too)."""
    from waitress import create_server

    if not is_loopback(host):
        say(
            f"CẢNH BÁO: trang web mở cho mạng ({host}); trang không có đăng nhập, mọi máy trong mạng đều đọc được "
            "toàn bộ quy trình. Chỉ dùng trong mạng nội bộ của Sở.\n"
            f"  (WARNING: listening on {host}, not loopback: there is no login; every computer that can reach this "
            "one can read every procedure. Use it on the department's LAN only.)"
        )
    logging.getLogger("waitress").setLevel(logging.WARNING)
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="doccontrol",
                               clear_untrusted_proxy_headers=True, **SERVER_LIMITS)
    except OSError as exc:
        raise UsageError(
            f"Không mở được cổng {port} trên {host}: {exc.strerror or exc}.",
            f"Cannot listen on {host}:{port}: {exc}. Choose another --port or --host.",
        ) from exc
    listening = getattr(server, "effective_listen", None) or [(server.effective_host, server.effective_port)]  # type: ignore[union-attr]
    for bound_host, bound_port in listening:
        say(f"Đang phục vụ trang web chỉ đọc tại {url_for(str(bound_host), int(bound_port))} "
            f"(serving the read-only site; Ctrl+C to stop)")
    signal.signal(signal.SIGTERM, _stop)  # a service manager's stop: finish like Ctrl+C
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    say("Đã dừng trang web. (stopped)")
