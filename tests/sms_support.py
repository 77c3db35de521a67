"""Providers for the text-message tests: one that records what it is given, one that always refuses."""

from __future__ import annotations

from typing import Any

from sms.providers import SmsError


class RecordingProvider:
    """Delivers by appending (phone, text) to `sent`."""

    delivers = True
    sent: list[tuple[str, str]] = []

    def __init__(self, config: Any = None) -> None:
        pass

    def send(self, phone: str, text: str) -> None:
        RecordingProvider.sent.append((phone, text))


class RefusingProvider:
    """The gateway is down."""

    delivers = True
    tries = 0

    def __init__(self, config: Any = None) -> None:
        pass

    def send(self, phone: str, text: str) -> None:
        RefusingProvider.tries += 1
        raise SmsError("网关无响应 503")


class Gateway:
    """A local HTTP gateway answering `status` and keeping each JSON body it was posted."""

    def __init__(self, status: int = 200) -> None:
        import http.server
        import json
        import threading

        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server name)
                received.append((self.headers.get("Authorization"),
                                 json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
