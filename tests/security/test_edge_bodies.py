"""Bodies meet the edge before the app: nobody's body is read, and nobody's body is read past
its limit, chunked or not (issue 11, point 1). Over real HTTP, with raw sockets where the
point is what happens while the client is still sending."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import create_app
from infra.config import Settings
from tests.api.helpers import COMPANY, MEDIA_APPLICANT, PDF
from tests.conftest import PASSWORD, SECRET, FakeClock
from tests.servers import ThreadServer, free_port
from tests.web.helpers import Pages

UPLOAD_LIMIT = 8 * 1024 * 1024  # well above the 1 MB JSON limit, as in production
BOUNDARY = "berkas-uji-batas"


@dataclass
class Seen:
    """Body bytes the app (everything inside the outermost layer) took from the server."""

    body_bytes: int = 0
    requests: list[str] = field(default_factory=list)


class CountingReceive:
    """The outermost ASGI layer of the app under test: counts what the app reads."""

    def __init__(self, app: ASGIApp, seen: Seen) -> None:
        self.app, self.seen = app, seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen.requests.append(str(scope["path"]))

        async def counted() -> Message:
            message = await receive()
            self.seen.body_bytes += len(message.get("body", b""))
            return message

        await self.app(scope, counted, send)


@pytest.fixture
def big_settings(db_url: str) -> Settings:
    return Settings(env="test", database_url=db_url, secret_key=SECRET, scheduler=False,
                    max_upload_bytes=UPLOAD_LIMIT)


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def app(big_settings: Settings, clock: FakeClock, seen: Seen) -> FastAPI:
    app = create_app(big_settings, clock)
    app.add_middleware(CountingReceive, seen=seen)
    return app


@pytest.fixture
def server(app: FastAPI) -> Iterator[ThreadServer]:
    with ThreadServer(app, free_port()) as running:
        yield running


def token(server: ThreadServer, username: str = "rina") -> str:
    response = httpx.post(f"{server.url}/api/auth/token",
                          data={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def new_case(server: ThreadServer, bearer: str) -> int:
    auth = {"Authorization": f"Bearer {bearer}"}
    party = httpx.post(f"{server.url}/api/parties", headers=auth, json=COMPANY)
    assert party.status_code == 201, party.text
    response = httpx.post(f"{server.url}/api/cases", headers=auth,
                          json={"workflow": "media_verification", "title": "Uji batas",
                                "fiscal_year": 2026, "amount": 1,
                                "party_id": party.json()["id"], "applicant": MEDIA_APPLICANT})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


class RawRequest:
    """One request written by hand on a socket: headers first, then the body in chunks, so
    the test decides how much of the body exists when the answer comes."""

    def __init__(self, server: ThreadServer, path: str, headers: dict[str, str]) -> None:
        port = int(server.url.rsplit(":", 1)[1])
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=15)
        lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Transfer-Encoding: chunked",
                 *(f"{k}: {v}" for k, v in headers.items())]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.sent = 0

    def chunk(self, data: bytes) -> None:
        self.sock.sendall(b"%x\r\n" % len(data) + data + b"\r\n")
        self.sent += len(data)

    def answer(self) -> tuple[int, dict[str, Any]]:
        """The status and JSON body of the response (a timeout if none comes)."""
        with self.sock:
            raw = b""
            while b"\r\n\r\n" not in raw:
                data = self.sock.recv(65536)
                assert data, f"connection closed before an answer: {raw!r}"
                raw += data
            head, _, body = raw.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            length = next(int(line.split(":", 1)[1]) for line in lines
                          if line.lower().startswith("content-length:"))
            while len(body) < length:
                body += self.sock.recv(65536)
        return int(lines[0].split()[1]), httpx.Response(200, content=body[:length]).json()


def multipart_start(kind: str = "npwp") -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"besar.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-").encode()


MULTIPART = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def test_a_chunked_upload_without_a_token_is_refused_before_a_byte_of_it_is_read(
    server: ThreadServer, seen: Seen
) -> None:
    """Before: 1 GB to the upload route with no token was spooled to disk, then a 401."""
    request = RawRequest(server, "/api/cases/1/documents", MULTIPART)
    request.chunk(multipart_start() + b"0" * 64 * 1024)  # the first 64 KB of a 5 MB upload
    status, body = request.answer()  # ... answered while the other 4.9 MB are unsent
    assert (status, body["detail"]["code"]) == (401, "not_authenticated")
    assert seen.body_bytes == 0


@pytest.mark.parametrize("credential", ["Bearer not-a-token", "Bearer "])
def test_a_chunked_json_body_with_a_bad_token_is_refused_before_it_is_read(
    server: ThreadServer, seen: Seen, credential: str
) -> None:
    request = RawRequest(server, "/api/cases",
                         {"Content-Type": "application/json", "Authorization": credential})
    request.chunk(b'{"workflow": "' + b"x" * 32 * 1024)
    status, _ = request.answer()
    assert status == 401
    assert seen.body_bytes == 0


def test_a_chunked_upload_past_the_limit_is_refused_at_once_with_a_token(
    server: ThreadServer, seen: Seen
) -> None:
    bearer = token(server)
    request = RawRequest(server, f"/api/cases/{new_case(server, bearer)}/documents",
                         {**MULTIPART, "Authorization": f"Bearer {bearer}"})
    seen.body_bytes = 0
    request.chunk(multipart_start())
    while request.sent <= UPLOAD_LIMIT + 64 * 1024:  # the limit and the form around it
        request.chunk(b"0" * 256 * 1024)
    status, body = request.answer()  # the body never ends: the answer does not wait for it
    assert (status, body["detail"]["code"]) == (413, "file_too_large")
    assert seen.body_bytes <= request.sent


def test_a_two_megabyte_json_body_is_refused_by_the_json_limit(
    server: ThreadServer, seen: Seen
) -> None:
    bearer = token(server)
    seen.body_bytes = 0
    request = RawRequest(server, "/api/cases", {"Content-Type": "application/json",
                                                "Authorization": f"Bearer {bearer}"})
    request.chunk(b'{"title": "')
    while request.sent <= 1024 * 1024:
        request.chunk(b"x" * 64 * 1024)
    status, body = request.answer()
    assert (status, body["detail"]["code"]) == (413, "body_too_large")
    assert seen.body_bytes <= request.sent < 2 * 1024 * 1024
    announced = httpx.post(f"{server.url}/api/cases", headers={"Authorization": f"Bearer {bearer}"},
                           json={"title": "x" * 2 * 1024 * 1024})
    assert (announced.status_code, announced.json()["detail"]["code"]) == (413, "body_too_large")


def test_uploads_larger_than_the_json_limit_still_work_chunked_or_not(
    server: ThreadServer,
) -> None:
    bearer = token(server)
    case_id = new_case(server, bearer)
    url, auth = f"{server.url}/api/cases/{case_id}/documents", {"Authorization": f"Bearer {bearer}"}
    three_mb = PDF + b"0" * 3 * 1024 * 1024
    plain = httpx.post(url, headers=auth, data={"kind": "npwp"},
                       files={"file": ("npwp.pdf", three_mb, "application/pdf")})
    assert plain.status_code == 201, plain.text
    body = multipart_start("nib")[:-5] + three_mb + f"\r\n--{BOUNDARY}--\r\n".encode()
    chunked = httpx.post(url, headers={**auth, **MULTIPART},
                         content=(body[i:i + 65536] for i in range(0, len(body), 65536)))
    assert chunked.status_code == 201, chunked.text
    assert chunked.json()["size"] == len(three_mb)


def test_the_login_forms_take_no_large_body(client: TestClient) -> None:
    padding = "x" * 20_000
    api = client.post("/api/auth/token", data={"username": "rina", "password": padding})
    page = client.post("/login", data={"username": "rina", "password": padding})
    assert [r.status_code for r in (api, page)] == [413, 413]
    assert api.json()["detail"]["code"] == "body_too_large"


def test_a_page_form_without_a_session_goes_to_the_login_page_unread(
    app: FastAPI, seen: Seen
) -> None:
    with TestClient(app) as client:
        response = client.post("/cases/1/comments", data={"body": "x" * 10_000, "csrf": "x"},
                               follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/cases/1/comments"
        assert seen.body_bytes == 0
        Pages(client).login("rina")  # and with a session the same form is read
        seen.body_bytes = 0
        client.post("/cases/1/comments", data={"body": "halo", "csrf": "x"})
        assert seen.body_bytes > 0


def test_a_body_labelled_multipart_gets_the_json_limit_on_a_route_that_takes_no_file(
    server: ThreadServer, seen: Seen
) -> None:
    """The upload limit belongs to the upload routes, not to whoever says "multipart"."""
    bearer = token(server)
    seen.body_bytes = 0
    request = RawRequest(server, "/api/cases", {**MULTIPART, "Authorization": f"Bearer {bearer}"})
    request.chunk(multipart_start())
    while request.sent <= 1024 * 1024:
        request.chunk(b"0" * 64 * 1024)
    status, body = request.answer()
    assert (status, body["detail"]["code"]) == (413, "body_too_large")
    assert seen.body_bytes <= request.sent < 2 * 1024 * 1024


def test_public_files_take_no_body_from_anyone(server: ThreadServer, seen: Seen) -> None:
    request = RawRequest(server, "/static/berkas.css", {"Content-Type": "text/plain"})
    request.chunk(b"x" * 64 * 1024)
    status, body = request.answer()
    assert (status, body["detail"]["code"]) == (405, "method_not_allowed")
    assert seen.body_bytes == 0


def test_a_content_length_of_a_non_ascii_digit_is_no_500(app: FastAPI) -> None:
    """``"²".isdigit()`` is true and ``int("²")`` raises; h11 refuses such a header before
    the app sees it, but the app must not depend on its server for that (raw ASGI here)."""
    sent: list[Message] = []
    scope: dict[str, Any] = {
        "type": "http", "method": "POST", "path": "/api/cases", "raw_path": b"/api/cases",
        "query_string": b"", "root_path": "", "scheme": "http", "http_version": "1.1",
        "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 5000),
        "headers": [(b"content-length", "²".encode("latin-1")), (b"host", b"127.0.0.1")],
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    with TestClient(app) as client:  # the lifespan: the app's runtime is up
        bearer = client.post("/api/auth/token", data={"username": "rina",
                                                      "password": PASSWORD}).json()
        scope["headers"].append((b"authorization", f"Bearer {bearer['access_token']}".encode()))
        # On the client's own event loop thread: another test's loop may hold this thread.
        assert client.portal is not None
        client.portal.call(app, scope, receive, send)
    assert sent[0]["type"] == "http.response.start"
    assert sent[0]["status"] == 422  # read as the body it is, and refused as bad input
