"""A registry with real issued certificates, for the page's tests.

One certified run of the demo's binary study (medeval.evaluate, as the certificate tests
make it), and three certificates of it issued through the registry the way the
laboratory issues them (``Registry.issuing``: the number drawn, the PDF rendered with
it, its SHA-256 recorded):

- ``LAB-AI-2026-0001``, then withdrawn;
- ``LAB-AI-2026-0002``, then amended by
- ``LAB-AI-2026-0003`` (standing; its PDF names the report it replaces).

Plus an altered copy of the standing one (one byte flipped in the middle of the file),
a truncated copy, and a PDF that is not a medeval certificate (pypdf's blank page).
"""

from __future__ import annotations

import hashlib
import io
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import medeval
from medeval.result import write_result

from ..conftest import binary_study
from ..report.conftest import dated_26_november

PROTOCOL = """
[test]
id = "KTL-2026-0001"
title = "Binary classification of breast masses (WDBC)"
version = "2"
mode = "certificate"

[laboratory]
name = "Korea Testing Laboratory (KTL), Medical AI Testing Team"
address = "87 Digital-ro 26-gil, Guro-gu, Seoul 08389"

[customer]
name = "Example Medical AI Co., Ltd."

[algorithm]
name = "WDBC logistic regression"
version = "1.0.3"
manufacturer = "Example Medical AI Co., Ltd."
plugin = "wdbc_model:Classifier"

[dataset]
manifest = "manifest.csv"
selection = "all 369 cases of the demo set, consecutive, no exclusion"

[task]
type = "binary-classification"
threshold = 0.5

[statistics]
seed = 7
resampling_unit = "patient"
n_resamples = 100

[[criteria]]
metric = "sensitivity"
goal = 0.75
source = "MFDS guidance, performance goal"
"""

WITHDRAWN_REASON = "the held-out set overlapped the training data (withdrawn)"
AMENDED_REASON = "customer's address misspelt"


@dataclass(frozen=True)
class Issued:
    """The registry file and the certificates issued into it."""

    registry: Path
    result: Path
    fingerprint: str
    withdrawn: str
    amended: str
    standing: str
    pdfs: dict[str, bytes]
    paths: dict[str, Path]


def _certified_result(folder: Path) -> Path:
    from medeval.manifest import Manifest

    binary_study(folder / "study", sites=("Seoul", "Busan"))
    digest = Manifest.from_csv(folder / "study" / "manifest.csv",
                               reference_kind="label").fingerprint(progress=False)
    text = PROTOCOL.replace('manifest = "manifest.csv"\n',
                            f'manifest = "manifest.csv"\nfingerprint = "sha256:{digest}"\n')
    (folder / "study" / "protocol.toml").write_text(text, encoding="utf-8")
    result = medeval.evaluate(folder / "study" / "protocol.toml",
                              folder / "study" / "predictions")
    # the run as the laboratory's runner records it (a certified run)
    result = replace(result, algorithm=replace(result.algorithm, predictions="runner"))
    return write_result(dated_26_november(result), folder / "out" / "result.json")


def _issue(registry: object, result: Path, folder: Path, *, amends: str | None = None,
           reason: str | None = None) -> tuple[str, bytes]:
    from medeval.registry import Registry
    from medeval.report import render_certificate

    assert isinstance(registry, Registry)
    fingerprint = medeval.read_result(result).fingerprint
    with registry.issuing(fingerprint=fingerprint, test_id="KTL-2026-0001",
                          customer="Example Medical AI Co., Ltd.",
                          tester="홍길동 (Hong Gildong)", approver="김철수 (Kim Cheolsu)",
                          issue_date="2026-11-27", amends=amends, reason=reason) as pending:
        info = {"report_number": pending.number, "issue_date": pending.issue_date.isoformat(),
                "replaces": pending.replaces,
                "tested_by": {"name": "홍길동 (Hong Gildong)", "title": "Tester"},
                "approved_by": {"name": "김철수 (Kim Cheolsu)", "title": "Technical manager"}}
        pdf = render_certificate(result, folder / f"{pending.number}.pdf", report_info=info)
        payload = pdf.read_bytes()
        pending.pdf_sha256 = hashlib.sha256(payload).hexdigest()
    return pending.number, payload


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Issued:
    from medeval.registry import Registry

    folder = tmp_path_factory.mktemp("web")
    result = _certified_result(folder)
    path = folder / "registry.sqlite"
    with Registry.create(path) as registry:
        withdrawn, first = _issue(registry, result, folder)
        registry.withdraw(withdrawn, WITHDRAWN_REASON)
        # the same result issued again after its withdrawal, with the reason it stands
        amended, second = _issue(registry, result, folder,
                                 reason="withdrawn in error: the sets did not overlap")
        standing, third = _issue(registry, result, folder, amends=amended,
                                 reason=AMENDED_REASON)
    altered = bytearray(third)
    altered[len(altered) // 2] ^= 0x01
    pdfs = {"withdrawn": first, "amended": second, "standing": third,
            "altered": bytes(altered), "truncated": third[: len(third) // 2],
            "blank": _blank_pdf()}
    paths = {}
    for name, payload in pdfs.items():
        paths[name] = folder / "uploads" / f"{name}.pdf"
        paths[name].parent.mkdir(exist_ok=True)
        paths[name].write_bytes(payload)
    return Issued(path, result, medeval.read_result(result).fingerprint, withdrawn, amended,
                  standing, pdfs, paths)


def free_port() -> int:
    """A TCP port free on the loopback now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Served:
    """A real uvicorn serving the app on the loopback."""

    url: str
    port: int


@contextmanager
def serving(app: object) -> Iterator[Served]:
    """``app`` served by a real uvicorn in a thread on a free loopback port; stopped on
    leaving."""
    import threading
    import time

    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,  # type: ignore[arg-type]
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield Served(f"http://127.0.0.1:{port}", port)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def served(issued: Issued) -> Iterator[Served]:
    """``create_app`` on the issued registry, served by uvicorn in a thread on a free
    loopback port; stopped at teardown."""
    from medeval.registry import Registry
    from medeval.web import Verifier, create_app

    registry = Registry.open(issued.registry)
    app = create_app(registry, verifier=Verifier(workers=1), requests_per_minute=600,
                     burst=100)
    try:
        with serving(app) as found:
            yield found
    finally:
        registry.close()


@pytest.fixture(scope="module")
def client(issued: Issued) -> Iterator[TestClient]:
    """``create_app`` on the issued registry in Starlette's TestClient (in process)."""
    from medeval.registry import Registry
    from medeval.web import Verifier, create_app

    registry = Registry.open(issued.registry)
    app = create_app(registry, verifier=Verifier(workers=1), requests_per_minute=6000,
                     burst=1000)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
    registry.close()


CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def chrome() -> Iterator[object]:
    """A real headless Chromium driven by Selenium (Debian's ``chromium`` and
    ``chromium-driver``); the tests using it skip, saying so, where they are missing."""
    import shutil

    if shutil.which(CHROMIUM) is None or shutil.which(CHROMEDRIVER) is None:
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver): "
                    f"no {CHROMIUM} or {CHROMEDRIVER}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1200,1600", "--force-device-scale-factor=1",
                 "--no-first-run", "--disable-extensions"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()
