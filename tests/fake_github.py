"""A local stand-in for the GitHub REST API that records every request it receives.

PyGithub, requests and our code stay real; only GitHub is replaced. URLs inside the
responses use this server's own base URL, or PyGithub refuses to follow them.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeGitHub:
    """`mode`: "ok", "forbidden" (403 on every write, like a fork's read-only token),
    "fail-patch" (500 on updates) or "hang" (every request is read, recorded and never
    answered).

    `faults` scripts single answers: for "POST /repos/octo/vault/check-runs" a list like
    ["502", "hang"] answers the first such request 502, leaves the second unanswered, and
    the rest as usual. "echo-403" and "echo-500" answer with an error message that
    repeats the Authorization header in every form a careless client could print.
    """

    mode: str = "ok"
    requests: list[Request] = field(default_factory=list)
    pr_files: list[dict[str, Any]] = field(default_factory=list)
    faults: dict[str, list[str]] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None
    released: threading.Event = field(default_factory=threading.Event)

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def writes(self) -> list[Request]:
        return [r for r in self.requests if r.method != "GET"]

    def count(self, method: str, path: str) -> int:
        return sum(1 for r in self.requests if (r.method, r.path) == (method, path))

    def _fault(self, method: str, path: str) -> str | None:
        if self.mode == "hang":
            return "hang"
        script = self.faults.get(f"{method} {path}")
        return script.pop(0) if script else None

    def start(self) -> FakeGitHub:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                split = urlsplit(self.path)
                fake.requests.append(
                    Request(
                        method=self.command,
                        path=split.path,
                        query=dict(parse_qsl(split.query)),
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=json.loads(raw) if raw else None,
                    )
                )
                fault = fake._fault(self.command, split.path)
                if fault == "hang":
                    # Accepted and read, never answered: a stuck proxy or API.
                    fake.released.wait(120)
                    return
                if fault == "502":
                    status, payload = 502, {"message": "Bad Gateway"}
                elif fault in ("echo-403", "echo-500"):
                    status, payload = int(fault[5:]), echo(self.headers.get("Authorization", ""))
                else:
                    status, payload = fake.respond(
                        self.command, split.path, fake.requests[-1].body
                    )
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.released.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def check_run(self, body: dict[str, Any] | None) -> dict[str, Any]:
        body = body or {}
        return {
            "id": 7,
            "name": body.get("name", "notelint"),
            "head_sha": body.get("head_sha", "0" * 40),
            "status": body.get("status", "queued"),
            "conclusion": body.get("conclusion"),
            "url": f"{self.base_url}/repos/octo/vault/check-runs/7",
            "html_url": "https://github.example/octo/vault/runs/7",
        }

    def respond(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        forbidden = {
            "message": "Resource not accessible by integration",
            "documentation_url": "https://docs.github.com/rest/checks/runs#create-a-check-run",
        }
        if method != "GET" and self.mode == "forbidden":
            return 403, forbidden
        if method == "POST" and path == "/repos/octo/vault/check-runs":
            return 201, self.check_run(body)
        if method == "PATCH" and path == "/repos/octo/vault/check-runs/7":
            if self.mode == "fail-patch":
                return 500, {"message": "Server Error"}
            return 200, self.check_run(body)
        if method == "GET" and path == "/repos/octo/vault/pulls/5":
            return 200, {
                "number": 5,
                "url": f"{self.base_url}/repos/octo/vault/pulls/5",
                "head": {"sha": "f" * 40},
            }
        if method == "GET" and path == "/repos/octo/vault/pulls/5/files":
            return 200, self.pr_files
        if method == "POST" and path == "/repos/octo/vault/pulls/5/reviews":
            return 200, {"id": 9, "html_url": "https://github.example/octo/vault/pull/5#r9"}
        return 404, {"message": "Not Found"}


def echo(auth: str) -> dict[str, Any]:
    """An error body holding the credential raw, repr-escaped, JSON-escaped (json.dumps
    escapes it once more on the wire) and percent-encoded."""
    value = auth.split(" ", 1)[-1]
    return {
        "message": f"Bad credentials {auth} {value!r} {json.dumps(value)} {quote(value, safe='')}",
        "errors": [{"header": auth, "repr": repr(auth)}],
    }


def refused_url() -> str:
    """A loopback URL nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
