"""A real OpenAI-compatible chat-completions server on loopback, for the drafting tests: it keeps
every request it receives (headers and JSON body) and answers what the test's ``answer`` function
says for that request: a message's text, an HTTP error, garbage, or a silence past the timeout."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """What the server does: answer ``content`` as the assistant's message, or send ``status`` with
    ``raw`` bytes as they are, after ``delay`` seconds."""

    content: str | None = None
    status: int = 200
    raw: bytes | None = None
    delay: float = 0.0


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def user(self) -> str:
        return str(next(m["content"] for m in self.body["messages"] if m["role"] == "user"))

    @property
    def system(self) -> str:
        return str(next(m["content"] for m in self.body["messages"] if m["role"] == "system"))


@dataclass
class ChatServer:
    url: str
    received: list[Received] = field(default_factory=list)

    def for_customer(self, name: str) -> list[Received]:
        return [r for r in self.received if f"Customer: {name}\n" in r.user]


@contextmanager
def chat_server(answer: Callable[[Received], Reply]) -> Iterator[ChatServer]:
    server_state = ChatServer(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            request = Received(self.path, dict(self.headers.items()), json.loads(self.rfile.read(length)))
            with lock:
                server_state.received.append(request)
            reply = answer(request)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.raw is not None:
                payload = reply.raw
            else:
                payload = json.dumps(
                    {
                        "id": "chatcmpl-test",
                        "object": "chat.completion",
                        "model": request.body.get("model"),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": reply.content},
                                "finish_reason": "stop",
                            }
                        ],
                    }
                ).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (the timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server_state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
