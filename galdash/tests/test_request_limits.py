"""Over-sized and chunked bodies against a real daphne: refused before they are read, memory
bounded by the size limit, and a chunked body that fits is applied, never silently dropped."""

import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from conftest import access_token, make_user
from graphics.models import Graphic
from realtime.tests.socket_helpers import role_groups  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]

MB = 1024 * 1024


@pytest.fixture
def server(daphne_server):
    return daphne_server("limits")


def peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def read_answer(sock: socket.socket, timeout: float = 5) -> bytes:
    """What the server answered, up to its close (or `timeout` without a byte)."""
    sock.settimeout(timeout)
    answer = b""
    try:
        while chunk := sock.recv(65536):
            answer += chunk
            if b"\r\n\r\n" in answer and answer.endswith(b"}"):
                break
    except (TimeoutError, ConnectionResetError):
        pass
    return answer


def open_upload(server, path: str, headers: dict[str, str]) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port))
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    sock.sendall(head.encode() + b"\r\n")
    return sock


def send_quietly(sock: socket.socket, chunks) -> None:
    """Sends until the server stops reading; an attacker does not care about errors."""
    try:
        for chunk in chunks:
            sock.sendall(chunk)
    except OSError:
        pass


def chunked(total: int, size: int = MB):
    piece = b"x" * size
    for _ in range(total // size):
        yield f"{size:x}\r\n".encode() + piece + b"\r\n"
    yield b"0\r\n\r\n"


def test_a_300mb_login_is_refused_before_its_body_is_sent(server):
    sock = open_upload(server, "/auth/login", {"Content-Length": str(300 * MB)})

    answer = read_answer(sock)  # not one byte of the body sent
    sock.close()

    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"code": "payload_too_large"' in answer
    assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200


def test_an_upload_that_expects_100_continue_gets_only_the_413(server):
    sock = open_upload(server, "/auth/login", {"Content-Length": str(300 * MB),
                                               "Expect": "100-continue"})

    answer = read_answer(sock)
    sock.close()

    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"100 Continue" not in answer


def test_a_chunked_upload_is_cut_at_the_limit(server):
    sock = open_upload(server, "/auth/login", {"Transfer-Encoding": "chunked"})
    # Never finished: without a cut the server would wait for the last chunk for ever.
    sender = threading.Thread(target=send_quietly, args=(sock, list(chunked(40 * MB))[:-1]))
    sender.start()

    answer = read_answer(sock)
    sender.join(10)
    sock.close()

    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"payload_too_large" in answer
    assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200


def test_parallel_big_uploads_keep_the_server_within_its_working_set(server):
    """The issue's 20 parallel 300 MB uploads, scaled to 60 MB each so the test is quick: the
    peak RSS of the daphne process stays within its working set + 50 MB."""
    for _ in range(5):
        httpx.post(f"{server.url}/auth/login", json={"master_password": "warm-up"}, timeout=5)
    baseline = peak_rss_kb(server.process.pid)
    body = b"x" * (60 * MB)

    def upload(number: int) -> None:
        if number % 2:
            sock = open_upload(server, "/auth/login", {"Content-Length": str(len(body))})
            send_quietly(sock, [body[start:start + MB] for start in range(0, len(body), MB)])
        else:
            sock = open_upload(server, "/auth/login", {"Transfer-Encoding": "chunked"})
            send_quietly(sock, chunked(len(body)))
        read_answer(sock, timeout=10)
        sock.close()

    uploads = [threading.Thread(target=upload, args=(number,)) for number in range(20)]
    started = time.monotonic()
    for thread in uploads:
        thread.start()
    for thread in uploads:
        thread.join(60)
    time.sleep(0.5)

    growth_mb = (peak_rss_kb(server.process.pid) - baseline) / 1024
    print(f"20 x 60 MB uploads: peak RSS +{growth_mb:.1f} MB in {time.monotonic() - started:.1f} s")
    assert growth_mb < 50, f"peak RSS grew by {growth_mb:.0f} MB"
    assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200


def test_a_body_just_under_the_limit_is_still_accepted_chunked_or_not(server):
    """The limit cuts only what passes it: a near-limit body reaches the application."""
    filler = b" " * (settings.REQUEST_BODY_MAX_BYTES - 100)
    body = b'{"username": "nobody", "password": "wrong"}' + filler
    plain = httpx.post(f"{server.url}/auth/token", content=body,
                       headers={"Content-Type": "application/json"}, timeout=20)
    streamed = httpx.post(f"{server.url}/auth/token", content=iter([body[:MB], body[MB:]]),
                          headers={"Content-Type": "application/json"}, timeout=20)

    assert plain.status_code == 401, plain.text
    assert streamed.status_code == 401, streamed.text


def test_a_chunked_put_applies_the_title_change(server):
    editor = make_user("chunky-editor", "Editor")
    graphic = Graphic.objects.create(title="Before", data_json={"elements": []}, version=1)
    body = b'{"title": "After", "version": 1}'

    response = httpx.put(f"{server.url}/api/v1/graphics/{graphic.pk}",
                         content=iter([body[:10], body[10:]]),  # Transfer-Encoding: chunked
                         headers={"Authorization": f"Bearer {access_token(editor)}",
                                  "Content-Type": "application/json"}, timeout=10)

    graphic.refresh_from_db()
    if response.status_code == 200:
        assert graphic.title == "After", "200 for a change that was not applied"
        assert response.json()["title"] == "After"
    else:
        assert response.status_code in (400, 411), response.text
        assert (graphic.title, graphic.version) == ("Before", 1)


def test_a_chunked_put_without_a_length_reaching_django_is_refused_411(editor_api):
    """Behind a server that passes chunked bodies on without a length, the write is refused
    rather than answered 200 with the change lost."""
    graphic = Graphic.objects.create(title="Before", data_json={"elements": []}, version=1)

    response = editor_api.generic("PUT", f"/api/v1/graphics/{graphic.pk}",
                                  b'{"title": "After", "version": 1}',
                                  content_type="application/json",
                                  HTTP_TRANSFER_ENCODING="chunked", CONTENT_LENGTH="")

    assert response.status_code == 411, response.content
    assert response.json()["code"] == "length_required"
    graphic.refresh_from_db()
    assert (graphic.title, graphic.version) == ("Before", 1)
