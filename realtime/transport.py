"""The one seam that touches daphne and Twisted: a broadcast framed once as a WebSocket text
frame, and written straight to the socket daphne serves, with flow control.

Everything here that reaches into daphne (`send.args[0]`, the protocol's state) or Twisted
(`transport._tempDataLen`, producers) is private to those projects, and nothing else here
touches them; realtime/tests/test_transport.py fails, naming the part, when an upgrade changes them.
"""

import asyncio
import logging
import struct
from functools import partial

logger = logging.getLogger(__name__)


def text_frame(payload: bytes) -> bytes:
    """A WebSocket text frame as a server sends it (unmasked, unfragmented): identical for every
    socket, so a broadcast is framed once."""
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x81, length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x81, 126, length)
    else:
        header = struct.pack("!BBQ", 0x81, 127, length)
    return header + payload


class TransportFlow:
    """Direct, flow-controlled writes to the socket daphne serves.

    daphne's ASGI `send` costs a task switch per socket per message, and it writes to a Twisted
    transport that buffers without limit, so awaiting it never waits for a slow client; and a
    Twisted write only lands on the socket on the loop's next turn. When the socket runs under
    daphne over plain TCP, this object writes the frame (built once per broadcast) straight to
    the socket while nothing is buffered, and hands any remainder to the transport. Registered
    as the transport's streaming producer, it is paused when the transport's buffer is full and
    resumed when it drains. A paused socket's messages wait in its bounded queue; when that
    fills, the socket is closed instead of growing the buffer. Elsewhere (the tests' in-process
    communicator) it does nothing and the consumer sends through ASGI.
    """

    def __init__(self, send):
        self.writable = asyncio.Event()
        self.writable.set()
        protocol = send.args[0] if isinstance(send, partial) and send.args else None
        self.protocol = protocol if hasattr(protocol, "sendMessage") else None
        self.transport = getattr(self.protocol, "transport", None)
        self.raw_socket = None
        if self.transport is None:
            return
        try:
            # The HTTP channel that handed the connection over to the WebSocket protocol is
            # still registered; it no longer writes here.
            if getattr(self.transport, "producer", None) is not None:
                self.transport.unregisterProducer()
            self.transport.registerProducer(self, True)
        except (RuntimeError, AttributeError):
            logger.warning("No flow control for this socket", exc_info=True)
            self.protocol = self.transport = None
            return
        from twisted.internet.tcp import Connection

        if isinstance(self.transport, Connection):  # not TLS: frames go to the socket as is
            self.raw_socket = self.transport.socket

    def write(self, frame: bytes) -> bool:
        """Writes a frame now if the socket is open and has room; False otherwise."""
        protocol = self.protocol
        if protocol is None or not self.writable.is_set() or protocol.state != protocol.STATE_OPEN:
            return False
        transport = self.transport
        sent = 0
        if self.raw_socket is not None and not transport.dataBuffer and not transport._tempDataLen:
            try:
                sent = self.raw_socket.send(frame)
            except BlockingIOError:
                pass
            except OSError:  # the connection is gone; Twisted notices and disconnects it
                return True
        if sent < len(frame):
            transport.write(frame[sent:])
        return True

    def pauseProducing(self):  # noqa: N802 (Twisted's interface)
        self.writable.clear()

    def resumeProducing(self):  # noqa: N802
        self.writable.set()

    def stopProducing(self):  # noqa: N802
        self.writable.set()

    def release(self) -> None:
        if self.transport is not None:
            try:
                self.transport.unregisterProducer()
            except Exception:  # the transport is already gone
                pass
        self.protocol = self.transport = None
