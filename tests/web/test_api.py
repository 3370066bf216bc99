"""The JSON API against a registry of real issued certificates (Starlette's TestClient).

Expected statuses come from what the fixture did to the registry (withdrew 0001, amended
0002 by 0003), not from medeval's answer; the fingerprint is the result's, read from
the result file the certificates were rendered from.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from medeval.registry import Registry
from medeval.web import Verifier, create_app

from .conftest import AMENDED_REASON, WITHDRAWN_REASON, Issued


def _upload(client: TestClient, payload: bytes, **fields: str) -> object:
    return client.post("/api/verify", files={"file": ("certificate.pdf", payload,
                                                      "application/pdf")}, data=fields)


# ---------------------------------------------------------------- GET /api/reports


def test_report_standing_amended_withdrawn(client: TestClient, issued: Issued) -> None:
    standing = client.get(f"/api/reports/{issued.standing}")
    assert standing.status_code == 200
    body = standing.json()
    assert {k: body[k] for k in ("report_number", "status", "fingerprint", "issued",
                                 "replaced_by")} == {
        "report_number": "LAB-AI-2026-0003", "status": "issued",
        "fingerprint": issued.fingerprint, "issued": "2026-11-27", "replaced_by": None}
    assert body["replaces"] == "LAB-AI-2026-0002"

    amended = client.get(f"/api/reports/{issued.amended}").json()
    assert (amended["status"], amended["replaced_by"], amended["reason"]) == (
        "amended", "LAB-AI-2026-0003", AMENDED_REASON)

    withdrawn = client.get(f"/api/reports/{issued.withdrawn}").json()
    assert (withdrawn["status"], withdrawn["reason"]) == ("withdrawn", WITHDRAWN_REASON)
    assert withdrawn["status_changed"] is not None
    assert standing.headers["x-request-id"]
    assert "script-src 'none'" in standing.headers["content-security-policy"]
    assert standing.headers["x-content-type-options"] == "nosniff"


def test_unknown_number_is_404(client: TestClient) -> None:
    answer = client.get("/api/reports/LAB-AI-2026-0999")
    assert answer.status_code == 404
    assert answer.json() == {"error": "report LAB-AI-2026-0999 is not in this laboratory's "
                                      "registry"}


@pytest.mark.parametrize("number", [
    "LAB-AI-2026-0001' OR '1'='1",
    "'; DROP TABLE reports; --",
    'LAB" UNION SELECT * FROM reports --',
    "LAB-AI-2026-0001;",
    "%",
])
def test_sql_meta_characters_are_refused_and_change_nothing(
        client: TestClient, issued: Issued, number: str) -> None:
    answer = client.get("/api/reports/" + number.replace("%", "%25"))
    assert answer.status_code == 400
    assert "only letters, digits and '. _ / -' are allowed" in answer.json()["error"]
    # the registry is untouched: the reports are all still there
    assert client.get(f"/api/reports/{issued.withdrawn}").json()["status"] == "withdrawn"
    assert client.get(f"/api/reports/{issued.standing}").status_code == 200


def test_a_10000_character_number_is_refused_briefly(client: TestClient) -> None:
    answer = client.get("/api/reports/" + "A" * 10_000)
    assert answer.status_code == 400
    message = answer.json()["error"]
    assert "longer than 64 characters" in message and "(10000 characters)" in message
    assert len(message) < 200  # the number is cut, not echoed whole


def test_a_well_formed_but_odd_number_is_just_unknown(client: TestClient) -> None:
    # '-' and '/' are allowed in numbers; "--" here is text, not an SQL comment
    assert client.get("/api/reports/LAB-AI-2026-0001--").status_code == 404
    assert client.get("/api/reports/LAB/AI/1").status_code == 404


# ---------------------------------------------------------------- POST /api/verify


@pytest.mark.parametrize("name, status, number", [
    ("standing", "genuine", "LAB-AI-2026-0003"),
    ("amended", "amended", "LAB-AI-2026-0002"),
    ("withdrawn", "withdrawn", "LAB-AI-2026-0001"),
])
def test_issued_pdfs(client: TestClient, issued: Issued, name: str, status: str,
                     number: str) -> None:
    body = _upload(client, issued.pdfs[name]).json()  # type: ignore[attr-defined]
    assert (body["status"], body["report_number"], body["fingerprint"],
            body["differences"]) == (status, number, issued.fingerprint, [])
    assert body["checked"] == "issued-bytes"
    if status == "amended":
        assert body["replaced_by"] == "LAB-AI-2026-0003"
    if status == "withdrawn":
        assert body["reason"] == WITHDRAWN_REASON


def test_altered_pdf_names_the_difference(client: TestClient, issued: Issued) -> None:
    answer = _upload(client, issued.pdfs["altered"])
    assert answer.status_code == 200  # type: ignore[attr-defined]
    body = answer.json()  # type: ignore[attr-defined]
    assert body["status"] == "altered" and body["checked"] == "verified"
    assert body["report_number"] == "LAB-AI-2026-0003"
    offset = len(issued.pdfs["standing"]) // 2
    assert any(f"at byte {offset}" in d for d in body["differences"]), body["differences"]


def test_number_typed_is_checked_against_the_pdf(client: TestClient, issued: Issued) -> None:
    # the withdrawn report's PDF sent as if it were 0003: its bytes are not 0003's, so it
    # is verified in full and the other number it carries is named
    body = _upload(client, issued.pdfs["withdrawn"], number="LAB-AI-2026-0003").json()  # type: ignore[attr-defined]
    assert body["status"] == "altered"
    assert any("carries report number LAB-AI-2026-0001, not the LAB-AI-2026-0003 typed" in d
               for d in body["differences"])


def test_a_certificate_this_registry_never_issued_is_unknown(issued: Issued,
                                                             tmp_path: Path) -> None:
    with Registry.create(tmp_path / "other.sqlite") as empty, TestClient(
            create_app(empty, verifier=Verifier(workers=1))) as other:
        body = _upload(other, issued.pdfs["standing"]).json()  # type: ignore[attr-defined]
    assert (body["status"], body["report_number"], body["fingerprint"]) == (
        "unknown", "LAB-AI-2026-0003", issued.fingerprint)
    assert body["differences"] == ["report LAB-AI-2026-0003 is not in this laboratory's "
                                   "registry"]


def test_bare_pdf_body(client: TestClient, issued: Issued) -> None:
    answer = client.post("/api/verify", content=issued.pdfs["standing"],
                         headers={"content-type": "application/pdf"})
    assert answer.json()["status"] == "genuine"


@pytest.mark.parametrize("name, payload, status, words", [
    ("not-a-pdf", b"GIF89a not a certificate at all", 415, "not a PDF"),
    ("empty", b"", 400, "empty"),
    ("truncated", None, 422, "truncated"),
    ("blank", None, 422, "not a medeval certificate"),
])
def test_bad_uploads(client: TestClient, issued: Issued, name: str, payload: bytes | None,
                     status: int, words: str) -> None:
    data = issued.pdfs[name] if payload is None else payload
    answer = _upload(client, data)
    assert answer.status_code == status, answer.text  # type: ignore[attr-defined]
    message = answer.json()["error"]  # type: ignore[attr-defined]
    assert words in message
    assert "Traceback" not in message and "/tmp" not in message


def test_no_file_and_wrong_content_type(client: TestClient) -> None:
    assert client.post("/api/verify", data={"number": "X"}).status_code == 400
    answer = client.post("/api/verify", content=b"{}",
                         headers={"content-type": "application/json"})
    assert answer.status_code == 415 and "multipart/form-data" in answer.json()["error"]


def test_oversize_upload_is_413(client: TestClient) -> None:
    big = b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024)
    answer = _upload(client, big)
    assert answer.status_code == 413  # type: ignore[attr-defined]
    assert "larger than 20 MB" in answer.json()["error"]  # type: ignore[attr-defined]


# ---------------------------------------------------------------- limits and failures


def test_rate_limit_per_client(issued: Issued) -> None:
    # 1 a minute refills a token in 60 s (so a loaded machine's slow requests cannot
    # refill one meanwhile); a burst of 3: three answered, the fourth refused and told
    # to retry in ceil((1 - tokens left) * 60 s) = 60 s (a few ms have refilled)
    with Registry.open(issued.registry) as registry, TestClient(
            create_app(registry, requests_per_minute=1, burst=3)) as limited:
        codes = [limited.get(f"/api/reports/{issued.standing}").status_code
                 for _ in range(4)]
        refused = limited.get(f"/api/reports/{issued.standing}")
        assert limited.get("/static/style.css").status_code == 200  # not counted
    assert codes == [200, 200, 200, 429]
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
    assert "too many requests" in refused.json()["error"]


def test_the_page_refuses_in_its_own_form(client: TestClient, issued: Issued) -> None:
    # Outside /api/ a refusal is the page itself, its error section holding the reason,
    # in the language the address asks for (strings.toml: "The request cannot be
    # carried out"); the status and Retry-After stay those of the refusal.
    big = b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024)
    answer = client.post("/check?lang=en", files={"file": ("c.pdf", big, "application/pdf")})
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert "The request cannot be carried out (413)" in answer.text
    assert "larger than 20 MB" in answer.text and "<form" in answer.text
    with Registry.open(issued.registry) as registry, TestClient(
            create_app(registry, requests_per_minute=1, burst=1)) as limited:  # see above
        limited.get("/?lang=ko")
        refused = limited.get("/?lang=ko")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
    assert refused.headers["content-type"] == "text/html; charset=utf-8"
    assert "요청을 처리할 수 없습니다 (429)" in refused.text
    # the reason in Korean alone (test_refusals_ko.py has each refusal)
    assert "에서 온 요청이 너무 많습니다. 60초 후에 다시 시도해 주십시오" in refused.text
    assert "too many requests" not in refused.text


def test_registry_gone_is_503_without_details(issued: Issued, tmp_path: Path) -> None:
    copy = tmp_path / "registry.sqlite"
    shutil.copy(issued.registry, copy)
    with Registry.open(copy) as registry, TestClient(create_app(registry)) as broken:
        copy.write_bytes(b"this is no longer a database " * 100)
        answer = broken.get(f"/api/reports/{issued.standing}")
        page = broken.get(f"/reports/{issued.standing}")
    # when to try again, as a 429 says (30 s: the engine's wait for a connection)
    assert answer.status_code == 503 and answer.headers["retry-after"] == "30"
    assert page.status_code == 503 and page.headers["retry-after"] == "30"
    body = answer.json()
    assert body["request_id"] == answer.headers["x-request-id"]
    assert str(tmp_path) not in answer.text and "sqlite" not in answer.text.lower()


@pytest.mark.parametrize("upload", ["standing", "altered"])
def test_registry_gone_while_judging_an_upload_is_503(issued: Issued, tmp_path: Path,
                                                      upload: str) -> None:
    # the genuine PDF (judged from its SHA-256) and an altered copy (verified in full,
    # then looked up): with the registry unreadable neither is "unknown", which would
    # tell a customer holding a genuine certificate that the laboratory never issued it
    copy = tmp_path / "registry.sqlite"
    shutil.copy(issued.registry, copy)
    with Registry.open(copy) as registry, TestClient(
            create_app(registry, verifier=Verifier(workers=1))) as broken:
        copy.write_bytes(b"this is no longer a database " * 100)
        answer = _upload(broken, issued.pdfs[upload])
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"].startswith("the registry of issued reports cannot be read")


class _FailingRegistry(Registry):
    """A registry whose look-up hits a bug (what an unforeseen failure looks like)."""

    def get(self, number: str) -> None:  # type: ignore[override]
        raise ZeroDivisionError("a bug deep inside, at /srv/secret/path.py line 3")


def test_unforeseen_failure_is_500_with_request_id_only(
        issued: Issued, caplog: pytest.LogCaptureFixture) -> None:
    registry = _FailingRegistry.open(issued.registry)
    with TestClient(create_app(registry), raise_server_exceptions=False) as failing:
        api = failing.get("/api/reports/LAB-AI-2026-0003")
        page = failing.get("/reports/LAB-AI-2026-0003")
    registry.close()
    for answer in (api, page):
        assert answer.status_code == 500
        assert "/srv/secret" not in answer.text and "ZeroDivisionError" not in answer.text
        assert "Traceback" not in answer.text
        assert answer.headers["x-request-id"] in answer.text
    # the details are in the server's log, under the request id
    logged = "\n".join(r.getMessage() + str(r.exc_info) for r in caplog.records)
    assert api.headers["x-request-id"] in logged and "ZeroDivisionError" in logged


def test_warm_up_makes_the_page_font_before_the_first_visitor(issued: Issued,
                                                              monkeypatch) -> None:
    # made on first use, the subset took about a second, and the first visitor's
    # browser drew the Korean in its own fonts meanwhile (boxes without Korean fonts)
    from fontTools.ttLib import TTFont

    from medeval.web import assets

    monkeypatch.setattr(assets, "_FONT", {})
    registry = Registry.open(issued.registry)
    try:
        with TestClient(create_app(registry, verifier=Verifier(workers=1), warm_up=True)):
            assert len(assets._FONT) == 2  # made at start-up, before any request
            cmap = TTFont(io.BytesIO(assets._FONT[False])).getBestCmap()
            assert all(ord(c) in cmap for c in "성적서 진위확인 Report")
            assert ord("\\") not in cmap  # NanumGothic's is its won sign: DejaVu's instead
            assert set(TTFont(io.BytesIO(assets._FONT[True])).getBestCmap()) >= {0x5C, 0xB2}
    finally:
        registry.close()


def test_the_style_sheet_gives_the_swapped_characters_to_dejavu() -> None:
    # style.css writes the unicode-range of DejaVu's face by hand: it must name exactly
    # the characters left out of the page's NanumGothic (report.fonts.SWAPPED), else one
    # is drawn by neither face (the visitor's fallback) or NanumGothic's won sign stays
    import re
    from importlib import resources

    from medeval.report.fonts import SWAPPED

    css = (resources.files("medeval.web") / "static" / "style.css").read_text("utf-8")
    [ranges] = re.findall(r"unicode-range:\s*([^;]+);", css)
    named: set[int] = set()
    for part in ranges.split(","):
        low, _, high = part.strip().removeprefix("U+").partition("-")
        named |= set(range(int(low, 16), int(high or low, 16) + 1))
    assert named == {ord(c) for c in SWAPPED} == {0x5C, 0xB9, 0xB2, 0xB3}


# ---------------------------------------------------------------- letter case


def test_a_number_typed_in_lower_case_is_found(client: TestClient, issued: Issued) -> None:
    """The registry's pattern (LAB-AI-{year}-{seq:04d}) writes its letters in upper case
    and a number's letters come from the pattern only, so 'lab-ai-2026-0003' can only
    mean LAB-AI-2026-0003: found, and answered with the registry's spelling."""
    assert issued.standing == "LAB-AI-2026-0003"
    answer = client.get("/api/reports/lab-ai-2026-0003")
    assert answer.status_code == 200, answer.text
    assert answer.json()["report_number"] == "LAB-AI-2026-0003"
    assert answer.json()["fingerprint"] == issued.fingerprint
    # the page a visitor opens: the withdrawal (the fixture withdrew 0001) and its reason
    page = client.get("/reports/Lab-Ai-2026-0001?lang=en")
    assert page.status_code == 200
    assert WITHDRAWN_REASON in page.text and "LAB-AI-2026-0001" in page.text
    # typed in lower case beside the PDF that carries it: the same report, not "altered"
    body = _upload(client, issued.pdfs["withdrawn"], number="lab-ai-2026-0001").json()  # type: ignore[attr-defined]
    assert (body["status"], body["report_number"], body["differences"]) == (
        "withdrawn", "LAB-AI-2026-0001", [])
    # not the pattern's way of writing it in other respects: still unknown
    assert client.get("/api/reports/lab-ai-2026-3").status_code == 404


def test_a_lower_case_number_typed_beside_an_altered_pdf_is_not_another_number(
        client: TestClient, issued: Issued) -> None:
    # the altered copy of 0003 (verified in full): altered for its changed byte only,
    # the number typed in lower case is the one it carries
    body = _upload(client, issued.pdfs["altered"], number="lab-ai-2026-0003").json()  # type: ignore[attr-defined]
    assert (body["status"], body["report_number"]) == ("altered", "LAB-AI-2026-0003")
    assert body["differences"] and not any("typed" in d for d in body["differences"])
