"""``medeval serve`` behind a reverse proxy that serves it under a path prefix.

The proxy (nginx's ``location /verify/ { proxy_pass http://127.0.0.1:8000/; }``) strips
``/verify`` and adds ``X-Forwarded-For``; the requests below are the ones it passes on.
Every link the page holds must lead back through the proxy: it begins with ``/verify/``,
and with that prefix stripped again it is answered by the server.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx2
import pytest

from .conftest import Issued, free_port

PREFIX = "/verify"


@pytest.fixture(scope="module")
def behind_proxy(issued: Issued) -> Iterator[str]:
    """The server's own address, started with --root-path /verify and burst 2."""
    port = free_port()
    child = subprocess.Popen(
        [sys.executable, "-m", "medeval", "serve", "--registry", str(issued.registry),
         "--port", str(port), "--workers", "1", "--root-path", f"{PREFIX}/", "--burst", "2",
         "--requests-per-minute", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx2.get(f"{base}/static/style.css")
                break
            except httpx2.TransportError:
                assert child.poll() is None and time.monotonic() < deadline, \
                    child.stdout.read().decode() if child.stdout else ""
                time.sleep(0.2)
        yield base
    finally:
        child.send_signal(signal.SIGTERM)
        child.communicate(timeout=60)


def _get(base: str, path: str, visitor: str, **kwargs: object) -> httpx2.Response:
    """What the proxy passes on for a visitor at ``visitor`` asking for ``path``."""
    return httpx2.get(f"{base}{path}", headers={"X-Forwarded-For": visitor}, **kwargs)


def test_every_link_leads_back_through_the_prefix(behind_proxy: str, issued: Issued) -> None:
    page = _get(behind_proxy, f"/reports/{issued.amended}?lang=en", "198.51.100.1")
    assert page.status_code == 200
    links = re.findall(r'(?:href|action)="(/[^"]*)"', page.text)
    # the style sheet, the report that replaced this one, the form's target
    assert {link.split("?")[0] for link in links} == {
        f"{PREFIX}/static/style.css", f"{PREFIX}/reports/{issued.standing}", f"{PREFIX}/check"}
    style = _get(behind_proxy, "/static/style.css", "198.51.100.1")
    font = re.search(r'url\("([^"]+)"\)', style.text)
    assert font is not None and not font.group(1).startswith("/")  # beside the style sheet
    assert _get(behind_proxy, f"/static/{font.group(1)}", "198.51.100.1").status_code == 200
    # a number typed without a PDF is sent on to its page, through the proxy
    sent = httpx2.post(f"{behind_proxy}/check", data={"number": issued.standing},
                       files={"file": ("", b"", "application/octet-stream")},
                       headers={"X-Forwarded-For": "198.51.100.1"})
    assert sent.status_code == 303
    assert sent.headers["location"].startswith(f"{PREFIX}/reports/{issued.standing}?")


def test_refusals_under_the_prefix(behind_proxy: str) -> None:
    # /api/ is told by the path below the prefix: JSON, not the page
    bad = _get(behind_proxy, "/api/reports/LAB'1", "198.51.100.2")
    assert bad.status_code == 400 and "letters, digits" in bad.json()["error"]
    # the bucket is each visitor's (X-Forwarded-For from the proxy on 127.0.0.1): burst 2
    assert _get(behind_proxy, "/api/reports/LAB-AI-2026-0009", "198.51.100.2").status_code == 404
    limited = _get(behind_proxy, "/api/reports/LAB-AI-2026-0009", "198.51.100.2")
    assert limited.status_code == 429 and "198.51.100.2" in limited.json()["error"]
    other = _get(behind_proxy, "/api/reports/LAB-AI-2026-0009", "198.51.100.3")
    assert other.status_code == 404
    # the page's own refusal links through the prefix too
    page = _get(behind_proxy, "/?lang=en", "198.51.100.2")
    assert page.status_code == 429 and f'href="{PREFIX}/static/style.css"' in page.text


def test_a_malformed_prefix_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    from medeval.cli import main

    assert main(["serve", "--registry", "x.sqlite", "--root-path", "/ver ify"]) == 2
    assert "--root-path '/ver ify'" in capsys.readouterr().err
