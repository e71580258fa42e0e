"""Django's ASGI handler with each request's synchronous work in one hand-off to a thread.

Django's own `ASGIHandler` starts a thread for every request (asgiref's thread-sensitive
context) and hands off between the event loop and that thread up to five times: the
`request_started` signal, the middleware below the first synchronous one, the view, the
middleware above it, and the response's `close()`. This handler builds the middleware chain
synchronously and runs the signals, the chain, the view and `close()` of a request in one call
on a fixed pool of threads; the event loop only reads the body and writes the response. A
thread is reused from request to request, and so is its database connection where settings
keep it (SQLite) or the pool hands one out (PostgreSQL).

A streaming response (a static file) is closed after it is sent, as Django does. Async views
still work: Django's synchronous path calls them through `async_to_sync` on this loop.
"""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import FileResponse
from django.urls import set_script_prefix


class OneHopASGIHandler(ASGIHandler):
    def __init__(self):
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self.executor = ThreadPoolExecutor(max_workers=settings.REQUEST_THREADS,
                                           thread_name_prefix="request")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    def respond(self, scope, body_file):
        """Everything synchronous about one request, in a worker thread."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if not response.streaming:
            response.close()  # request_finished: the thread's connection is closed or pooled
        return response

    async def handle(self, scope, receive, send):
        body_file = None
        try:
            try:
                body_file = await self.read_body(receive)
            except RequestAborted:
                return
            offload = sync_to_async(self.respond, thread_sensitive=False, executor=self.executor)
            response = await offload(scope, body_file)
            try:
                await self.send_response(response, send)
            finally:
                if response.streaming:
                    await sync_to_async(response.close, thread_sensitive=False,
                                        executor=self.executor)()
        finally:
            if body_file is not None:
                body_file.close()

