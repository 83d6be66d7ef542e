"""A real browser on a real server: headless Chromium (Selenium) against ``doccontrol serve``.

Builds the demo workspace, starts ``doccontrol serve --port 0`` as a subprocess, then, in the
browser: searches without diacritics, opens a procedure, downloads a revision (compared byte for
byte with ``doccontrol export``), reads a diff and opens the coverage page. Screenshots go to the
test's temporary folder (and, when ``DOCCONTROL_WEB_SCREENSHOTS`` names a folder, the search and
coverage shots are copied there: that is how ``docs/img/`` is made).

Skips where Chromium, chromedriver or selenium are absent (a user's clone); CI installs them
(Debian: ``apt-get install -y chromium chromium-driver``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.waiting import wait_until

CHROMIUM = Path(os.environ.get("DOCCONTROL_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("DOCCONTROL_CHROMEDRIVER", "/usr/bin/chromedriver"))

pytestmark = pytest.mark.slow  # the demo, a server process and Chromium


def _require_browser() -> None:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"{CHROMIUM} is absent: the browser test needs Debian's chromium package")
    if not (CHROMEDRIVER.is_file() and os.access(CHROMEDRIVER, os.X_OK)):
        pytest.skip(f"{CHROMEDRIVER} is absent: the browser test needs Debian's chromium-driver package")
    pytest.importorskip("selenium", reason="selenium is not installed (pip install selenium)")


def doccontrol(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "doccontrol", *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, env=os.environ.copy())


@pytest.fixture
def server(tmp_path: Path, demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> Iterator[tuple[str, Path]]:
    """(base URL, workspace) of ``doccontrol serve`` on the demo workspace (the session's run of the
    demo: the server only reads it), on a free port."""
    _require_browser()
    built, folder = demo_run
    assert built.returncode == 0, built.stderr
    home = folder / "doccontrol-demo"
    log = open(tmp_path / "serve.log", "w+", encoding="utf-8")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "doccontrol", "--home", str(home), "serve", "--port", "0"],
        stdout=subprocess.DEVNULL, stderr=log, stdin=subprocess.DEVNULL, text=True,
    )
    try:
        def address() -> str | None:
            log.seek(0)
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read())
            return f"http://127.0.0.1:{match.group(1)}" if match else None

        wait_until(lambda: address() is not None or process.poll() is not None, 30,
                   "doccontrol serve to print its address (or to exit)", log=tmp_path / "serve.log")
        base = address()
        log.seek(0)
        assert base, f"doccontrol serve did not start: {log.read()}"
        yield base, home
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def browser(tmp_path: Path):  # type: ignore[no-untyped-def]
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1280,900", "--lang=vi"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads),
        "download.prompt_for_download": False,
        "safebrowsing.enabled": False,
    })
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver, downloads
    finally:
        driver.quit()


def screenshot(driver, path: Path) -> None:  # type: ignore[no-untyped-def]
    """The whole page (the window is stretched to its height)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(int(height) + 20, 600), 4000))
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 900)


def wait_for_file(folder: Path, timeout: float = 20) -> Path:
    def arrived() -> Path | None:
        done = [p for p in folder.iterdir() if not p.name.endswith((".crdownload", ".tmp"))]
        if done and not any(p.name.endswith(".crdownload") for p in folder.iterdir()):
            return done[0]
        return None

    return wait_until(arrived, timeout, f"a download to arrive in {folder}", interval=0.1)


def test_search_read_download_diff_and_coverage_in_chromium(server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    base, home = server
    driver, downloads = browser
    wait = WebDriverWait(driver, 20)
    shots = tmp_path / "screenshots"
    shots.mkdir()

    # Search without diacritics, typed into the box as a clerk would.
    driver.get(base + "/")
    box = driver.find_element(By.ID, "q")
    box.send_keys("tro cap that nghiep", Keys.ENTER)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "ol.hits li.hit")))
    assert "q=tro+cap+that+nghiep" in driver.current_url  # the query is in the URL, to share
    first = driver.find_element(By.CSS_SELECTOR, "ol.hits li.hit a.hit-code")
    assert first.text == "QT-LĐVL-02"
    marks = [m.text for m in driver.find_elements(By.CSS_SELECTOR, "ol.hits li.hit mark")]
    assert {"trợ", "cấp", "thất", "nghiệp"} <= set(marks)
    screenshot(driver, shots / "search.png")

    # Open the procedure.
    first.click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "h1.proc-title")))
    assert "QT-LĐVL-02" in driver.find_element(By.CSS_SELECTOR, "h1.proc-title").text
    assert "Giải quyết hưởng trợ cấp thất nghiệp" in driver.title
    assert driver.find_element(By.CSS_SELECTOR, "pre.doc-text").text.strip()
    screenshot(driver, shots / "procedure.png")

    # Download the revision shown first (the newest) and compare it with `doccontrol export`.
    link = driver.find_element(By.CSS_SELECTOR, "a.download")
    revision = re.search(r"/download/(\d+)/", link.get_attribute("href")).group(1)
    link.click()
    downloaded = wait_for_file(downloads)
    exported = tmp_path / "exported"
    exported.mkdir()
    result = doccontrol("--home", str(home), "export", "QT-LĐVL-02", "--rev", revision, "-o", str(exported))
    assert result.returncode == 0, result.stderr
    (expected,) = exported.iterdir()
    assert downloaded.read_bytes() == expected.read_bytes()
    assert downloaded.name == expected.name

    # A procedure with two revisions: compare them with the form.
    driver.get(base + "/procedure/QT-01/VP")
    driver.find_element(By.CSS_SELECTOR, "form.compare button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "table.diff")))
    assert "from=1&to=2" in driver.current_url
    assert driver.find_elements(By.CSS_SELECTOR, "table.diff tr.add")
    screenshot(driver, shots / "diff.png")

    # Coverage, from the navigation.
    driver.find_element(By.CSS_SELECTOR, 'nav.nav a[href="/coverage"]').click()
    wait.until(ec.presence_of_element_located((By.ID, "coverage-percent")))
    percent = driver.find_element(By.ID, "coverage-percent").text
    cli = doccontrol("--home", str(home), "coverage", "--json")
    import json

    report = json.loads(cli.stdout)
    assert percent == f"{report['percent']:.2f}".replace(".", ",") + " %"
    screenshot(driver, shots / "coverage.png")

    # The office filter applies on change (the little script) and lands in the URL.
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.CSS_SELECTOR, 'select[name="office"]')).select_by_value("LDVL")
    wait.until(ec.url_contains("office=LDVL"))

    for name in ("search", "procedure", "diff", "coverage"):
        assert (shots / f"{name}.png").stat().st_size > 10_000
    target = os.environ.get("DOCCONTROL_WEB_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        for name in ("search", "coverage"):
            shutil.copyfile(shots / f"{name}.png", Path(target) / f"{name}.png")
