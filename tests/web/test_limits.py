"""Upload cap and rate limit: the token bucket's arithmetic by hand, and a 1 GB upload
refused by a real uvicorn before it is read."""

from __future__ import annotations

import select
import socket

import pytest

from medeval.web import TokenBuckets

from .conftest import Served

CHUNK = b"0" * (1024 * 1024)


class _Clock:
    def __init__(self) -> None:
        self.now_s = 100.0

    def __call__(self) -> float:
        return self.now_s


def test_token_bucket_by_hand() -> None:
    clock = _Clock()
    buckets = TokenBuckets(per_minute=30, burst=2, clock=clock)  # 0.5 token a second
    assert [buckets.take("a"), buckets.take("a")] == [0.0, 0.0]  # the burst
    assert buckets.take("a") == pytest.approx(2.0)  # 1 token at 0.5/s: 2 s
    assert buckets.take("b") == 0.0  # another client has its own bucket
    clock.now_s += 1.0  # +0.5 token: 0.5 missing -> 1 s
    assert buckets.take("a") == pytest.approx(1.0)
    clock.now_s += 1.0  # 1.0 token
    assert buckets.take("a") == 0.0
    clock.now_s += 60.0  # refilled to the burst, no further
    assert [buckets.take("a") for _ in range(3)][2] == pytest.approx(2.0)


def test_token_bucket_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        TokenBuckets(per_minute=0, burst=1)


def _send_until_answered(port: int, head: bytes, chunk: bytes, limit: int) -> tuple[bytes, int]:
    """Send ``head`` then ``chunk`` after ``chunk`` until the server answers (or refuses
    more bytes); return (the answer, bytes sent after the head)."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(head)
        while sent < limit:
            readable, _, _ = select.select([conn], [], [], 0)
            if readable:
                break
            try:
                conn.sendall(chunk)
            except OSError:  # the server closed the connection after answering
                break
            sent += len(chunk)
        conn.settimeout(30)
        answer = b""
        while b"}" not in answer:  # the JSON body ends the answer
            part = conn.recv(4096)
            if not part:
                break
            answer += part
    return answer, sent


def test_a_1gb_upload_is_refused_before_it_is_read(served: Served) -> None:
    head = (b"POST /api/verify HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 1073741824\r\n\r\n")
    answer, sent = _send_until_answered(served.port, head, CHUNK, 1024 * 1024 * 1024)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"larger than 20 MB" in answer
    # refused from its declared length: the client got the answer after a few MB at most
    # (what the sockets' buffers took), never the gigabyte
    assert sent < 64 * 1024 * 1024, sent


def test_a_chunked_upload_is_cut_at_the_limit(served: Served) -> None:
    head = (b"POST /api/verify HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/pdf\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"100000\r\n" + CHUNK + b"\r\n"  # 0x100000 = 1 MiB per chunk, no length known
    answer, sent = _send_until_answered(served.port, head, chunk, 1024 * 1024 * 1024)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    # read up to the 20 MB limit, then refused: the rest of the gigabyte is never sent
    assert 20 * 1024 * 1024 <= sent < 100 * 1024 * 1024, sent
