"""realtime.transport relies on private parts of daphne and Twisted. These checks fail loudly,
naming the part, when an upgrade of either changes them (the sockets would still work, through
ASGI, but without direct writes or flow control)."""

import inspect
from functools import partial

from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol
from twisted.internet.abstract import FileDescriptor
from twisted.internet.tcp import Connection

from realtime.transport import TransportFlow, text_frame


def test_daphne_hands_the_protocol_as_the_first_argument_of_send():
    source = inspect.getsource(Server.create_application)
    assert "send=partial(self.handle_reply, protocol)" in source, (
        "daphne no longer builds `send` as partial(handle_reply, protocol): "
        "TransportFlow reads the protocol from send.args[0]")


def test_daphnes_websocket_protocol_has_what_the_flow_reads():
    for name in ("sendMessage", "STATE_OPEN"):
        assert hasattr(WebSocketProtocol, name), f"WebSocketProtocol.{name} is gone"


def test_twisted_transports_have_what_the_flow_reads():
    transport = FileDescriptor()
    assert transport.dataBuffer == b"" and transport._tempDataLen == 0, (
        "Twisted's FileDescriptor buffer attributes (dataBuffer, _tempDataLen) changed")
    for name in ("registerProducer", "unregisterProducer", "write"):
        assert hasattr(Connection, name), f"twisted.internet.tcp.Connection.{name} is gone"
    assert "self.socket" in inspect.getsource(Connection.__init__)


def test_outside_daphne_the_flow_steps_aside():
    async def send(message):
        raise AssertionError("not called")

    flow = TransportFlow(partial(send))
    assert (flow.protocol, flow.transport, flow.raw_socket) == (None, None, None)
    assert flow.write(text_frame(b"{}")) is False  # the consumer sends through ASGI


def test_a_text_frame_is_framed_as_a_server_sends_it():
    assert text_frame(b"x" * 5) == b"\x81\x05xxxxx"
    assert text_frame(b"x" * 200)[:4] == b"\x81\x7e\x00\xc8"
    assert text_frame(b"x" * 70000)[:2] == b"\x81\x7f"
