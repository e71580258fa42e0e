"""daphne, bounded where it buffers request bodies.

daphne (4.2) lets Twisted collect the whole body, then hands it to the application at once, so
an over-sized upload costs its full size in memory before any limit in Django can answer.
`BoundedWebRequest` answers 413 as soon as the headers announce a `Content-Length` over
`REQUEST_BODY_MAX_BYTES`, cuts a chunked body at that limit, and hands a chunked body that fits
to the application with its `Content-Length` (which Django and DRF need to read it).
`install()` puts it, and the masking access log, in place; `galdash.asgi` calls it, so every
`daphne galdash.asgi:application` runs with them.
"""

import json

import daphne
from daphne import cli as daphne_cli
from daphne import http_protocol
from daphne.access import AccessLogGenerator
from django.conf import settings
from twisted.internet import reactor

from core.logs import log_safe

# Tested against this daphne; another version must be re-checked before it is pinned.
DAPHNE_VERSION = "4.2.3"
# After refusing a body, what the client still sends is discarded for this long so it can read
# the answer; then the connection is closed.
REFUSED_LINGER_SECONDS = 1.0


def _refusal(status: int, reason: str, detail: str, code: str) -> bytes:
    body = json.dumps({"detail": detail, "code": code}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class BoundedWebRequest(http_protocol.WebRequest):
    """daphne's request with its body bounded by `REQUEST_BODY_MAX_BYTES`."""

    refused = False
    received = 0

    @property
    def limit(self) -> int:
        return settings.REQUEST_BODY_MAX_BYTES

    def gotLength(self, length):
        if length is not None and length > self.limit:
            self.refuse_too_large(length)
            return
        super().gotLength(length)

    def handleContentChunk(self, data):
        if self.refused:
            return
        self.received += len(data)
        if self.received > self.limit:
            self.refuse_too_large(None)
            return
        super().handleContentChunk(data)

    def requestReceived(self, command, path, version):
        if self.refused:
            return
        super().requestReceived(command, path, version)

    def process(self):
        if self.refused:
            return None
        if self.requestHeaders.hasHeader(b"Transfer-Encoding"):
            # Twisted has de-chunked the body; the application sees a body of known length.
            self.requestHeaders.removeHeader(b"Transfer-Encoding")
            self.requestHeaders.setRawHeaders(b"Content-Length", [str(self.received).encode()])
        return super().process()

    def refuse_too_large(self, length: int | None) -> None:
        """Answer 413 without reading the body; discard the rest, then close."""
        self.refused = True
        self.content = _Discard()
        # Twisted answers `Expect: 100-continue` right after this; the 413 is the answer.
        self.requestHeaders.removeHeader(b"Expect")
        announced = f"{length} bytes" if length is not None else "over the limit"
        detail = f"Request body is too large ({announced}; the limit is {self.limit})."
        transport = self.channel.transport
        transport.write(_refusal(413, "Payload Too Large", detail, "payload_too_large"))
        self._log_refusal(413)
        reactor.callLater(REFUSED_LINGER_SECONDS, transport.abortConnection)

    def _log_refusal(self, status: int) -> None:
        client = self.channel.transport.getPeer()
        self.server.log_action("http", "complete", {
            "path": self.uri.decode("ascii", "replace"),
            "status": status,
            "method": self.method.decode("ascii", "replace"),
            "client": f"{getattr(client, 'host', '-')}:{getattr(client, 'port', '-')}",
            "time_taken": 0,
            "size": 0,
        })


class _Discard:
    """Stands in for the body file of a refused request."""

    closed = False

    def write(self, data):
        pass

    def read(self, size=-1):
        return b""

    def seek(self, *args):
        return 0

    def close(self):
        self.closed = True


class MaskedAccessLogGenerator(AccessLogGenerator):
    """daphne's access log without tokens, overlay keys or control characters."""

    def write_entry(self, host, date, request, status=None, length=None, ident=None, user=None):
        super().write_entry(host, date, log_safe(request), status, length, ident, user)


def install() -> None:
    if daphne.__version__ != DAPHNE_VERSION:
        raise RuntimeError(
            f"core.server bounds daphne {DAPHNE_VERSION}; daphne {daphne.__version__} is installed."
        )
    http_protocol.WebRequest = BoundedWebRequest
    daphne_cli.AccessLogGenerator = MaskedAccessLogGenerator
