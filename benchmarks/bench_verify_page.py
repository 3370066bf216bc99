"""The verification page under load, on the loopback: ``medeval serve`` as a laboratory runs
it, and 50 clients uploading certificates at once.

Builds a registry with ``--reports`` (4) certificates issued the laboratory's way
(``Registry.issuing``: number drawn, PDF rendered with it, its SHA-256 recorded), one of
them then withdrawn, each of a different result (the demo's breast-mass table, one case
left out per report, evaluated as a pre-check), and ``--altered`` (20) altered copies
(one byte flipped, at a different place in each). Starts ``medeval serve`` (uvicorn, two
verification workers, the per-client rate limit lifted: every client here is
127.0.0.1) and sends ``--requests`` (2,000) ``POST /api/verify`` from ``--clients``
(50) threads, each with its own connection (httpx2). One upload in
``--altered-every`` (20) is an altered copy, the rest the issued PDFs:

- an issued PDF is judged by its SHA-256 against the registry's (no rendering);
- an altered copy is verified in full (``verify_certificate`` renders it again) the
  first time, and answered from the verdict cache (by SHA-256) after that.

Prints p50/p95/max latency per kind and overall, the requests per second, and the
errors: any answer other than 200 with the expected status (genuine, withdrawn,
altered). Bounded: ``--timeout-s`` (600) for the whole run.

    python benchmarks/bench_verify_page.py [--requests 2000] [--clients 50]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

PROTOCOL = """
[test]
id = "BENCH-{k}"
title = "Benchmark of the verification page"
mode = "pre-check"
[laboratory]
name = "Lab"
[customer]
name = "Customer"
[algorithm]
name = "Demo logistic regression"
version = "1"
[dataset]
manifest = "manifest.csv"
selection = "the demo set less one case"
[task]
type = "binary-classification"
threshold = 0.5
[statistics]
seed = 1
n_resamples = 100
[[criteria]]
metric = "sensitivity"
goal = 0.75
source = "benchmark"
"""


@dataclass(frozen=True)
class Upload:
    kind: str  # "issued", "withdrawn" or "altered"
    payload: bytes
    expected: str


def build(folder: Path, reports: int, altered: int) -> tuple[Path, list[Upload]]:
    """The registry and the PDFs to upload (see the module docs)."""
    import json

    import pandas as pd

    import medeval
    from medeval.registry import Registry
    from medeval.report import render_certificate
    from medeval.result import write_result

    demo = resources.files("medeval") / "demo"
    ref = pd.read_csv(str(demo / "references.csv"), dtype={"case_id": str})
    pred = pd.read_csv(str(demo / "predictions.csv"), dtype={"case_id": str})
    registry_path = folder / "registry.sqlite"
    issued: list[tuple[str, bytes]] = []
    with Registry.create(registry_path) as registry:
        for k in range(reports):
            study = folder / f"study{k}"
            (study / "predictions").mkdir(parents=True)
            (study / "inputs").mkdir()
            rows = []
            for i, (cid, label) in enumerate(zip(ref["case_id"], ref["label"])):
                if i == k:
                    continue  # one case less: another result, another fingerprint
                (study / "inputs" / f"{cid}.txt").write_text(cid)
                rows.append({"case_id": cid, "patient_id": f"P{i:04d}",
                             "input": f"inputs/{cid}.txt", "reference": str(label)})
            pd.DataFrame(rows).to_csv(study / "manifest.csv", index=False)
            for cid, score in zip(pred["case_id"], pred["score"]):
                (study / "predictions" / f"{cid}.json").write_text(
                    json.dumps({"score": float(score)}))
            (study / "protocol.toml").write_text(PROTOCOL.replace("{k}", str(k)))
            result = write_result(medeval.evaluate(study / "protocol.toml",
                                                   study / "predictions"),
                                  study / "result.json")
            fingerprint = medeval.read_result(result).fingerprint
            with registry.issuing(fingerprint=fingerprint, test_id=f"BENCH-{k}",
                                  customer="Customer", tester="Tester",
                                  approver="Approver") as pending:
                pdf = render_certificate(result, study / "certificate.pdf", report_info={
                    "report_number": pending.number,
                    "issue_date": pending.issue_date.isoformat()})
                payload = pdf.read_bytes()
                pending.pdf_sha256 = hashlib.sha256(payload).hexdigest()
            issued.append((pending.number, payload))
            print(f"  issued {pending.number} ({len(payload) / 1024:.0f} kB)", flush=True)
        registry.withdraw(issued[-1][0], "benchmark: withdrawn")
    uploads = [Upload("issued", p, "genuine") for _, p in issued[:-1]]
    uploads.append(Upload("withdrawn", issued[-1][1], "withdrawn"))
    base = issued[0][1]
    for j in range(altered):
        copy = bytearray(base)
        copy[len(copy) // 3 + 997 * j] ^= 0x01
        uploads.append(Upload("altered", bytes(copy), "altered"))
    return registry_path, uploads


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve(registry: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``medeval serve`` in a child process; returns once it answers."""
    import httpx2

    command = [sys.executable, "-m", "medeval", "serve", "--registry", str(registry),
               "--port", str(port), "--workers", "2",
               "--requests-per-minute", "1000000", "--burst", "100000"]
    child = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"medeval serve exited: {log.read_text()[-2000:]}")
        try:
            httpx2.get(f"http://127.0.0.1:{port}/", timeout=2)
            return child
        except httpx2.TransportError:
            time.sleep(0.2)
    child.terminate()
    raise RuntimeError("medeval serve did not answer within 120 s")


def load(port: int, plan: list[Upload], clients: int, timeout_s: float
         ) -> tuple[dict[str, list[float]], list[str], float]:
    """Send ``plan`` from ``clients`` threads; latencies (s) by kind, errors, wall time."""
    import httpx2

    jobs: queue.Queue[Upload] = queue.Queue()
    for upload in plan:
        jobs.put(upload)
    latencies: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + timeout_s

    def client() -> None:
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=300) as http:
            while time.monotonic() < stop_at:
                try:
                    upload = jobs.get_nowait()
                except queue.Empty:
                    return
                start = time.perf_counter()
                try:
                    answer = http.post("/api/verify", files={
                        "file": ("certificate.pdf", upload.payload, "application/pdf")})
                    status = answer.json().get("status") if answer.status_code == 200 \
                        else None
                    problem = None if status == upload.expected else (
                        f"{upload.kind}: HTTP {answer.status_code} {answer.text[:200]}")
                except httpx2.HTTPError as exc:
                    problem = f"{upload.kind}: {type(exc).__name__}: {exc}"
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.setdefault(upload.kind, []).append(elapsed)
                    if problem:
                        errors.append(problem)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    left = jobs.qsize()
    if left:
        errors.append(f"{left} requests not sent: the run hit --timeout-s {timeout_s:g}")
    return latencies, errors, wall


def _line(kind: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return (f"  {kind:<10} {len(values):>6}  p50 {statistics.median(ordered) * 1000:8.1f} ms"
            f"  p95 {p95 * 1000:8.1f} ms  max {ordered[-1] * 1000:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--reports", type=int, default=4)
    parser.add_argument("--altered", type=int, default=20)
    parser.add_argument("--altered-every", type=int, default=20)
    parser.add_argument("--timeout-s", type=float, default=600.0)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="medeval-bench-verify-"))
    try:
        print(f"building {args.reports} issued certificates and {args.altered} altered "
              f"copies in {folder} ...", flush=True)
        registry, uploads = build(folder, args.reports, args.altered)
        genuine = [u for u in uploads if u.kind != "altered"]
        altered = [u for u in uploads if u.kind == "altered"]
        plan = [altered[(i // args.altered_every) % len(altered)]
                if altered and i % args.altered_every == args.altered_every - 1
                else genuine[i % len(genuine)] for i in range(args.requests)]
        port = free_port()
        child = serve(registry, port, folder / "serve.log")
        try:
            print(f"medeval serve on 127.0.0.1:{port}; {args.requests} POST /api/verify "
                  f"from {args.clients} clients ({os.cpu_count()} cores) ...", flush=True)
            latencies, errors, wall = load(port, plan, args.clients, args.timeout_s)
        finally:
            child.terminate()
            child.wait(timeout=30)
        done = sum(len(v) for v in latencies.values())
        print(f"\n{done} verifications in {wall:.1f} s ({done / wall:.0f} per s), "
              f"{len(errors)} errors")
        for kind in ("issued", "withdrawn", "altered"):
            if kind in latencies:
                print(_line(kind, latencies[kind]))
        print(_line("all", [x for v in latencies.values() for x in v]))
        print(f"  distinct altered copies verified in full: "
              f"{len({id(u) for u in plan if u.kind == 'altered'})} (the rest from the "
              "verdict cache)")
        for problem in errors[:10]:
            print(f"  error: {problem}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
