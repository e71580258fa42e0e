"""The list of graphics and one graphic as the API answers them, rendered once per state.

A body is kept in this process with the graphics read token (`graphics.models.ReadToken`, see
`core.read_tokens`: database triggers change it in the transaction of every write to a graphic
or a canvas lock, from any process) and served again only while a fresh read of the token
answers the same and no live lock it shows has expired since. One indexed read of a one-row
table replaces the queries and the rendering, and a write committed by any process is seen by
the next read in every process. Inside a transaction nothing is served from or kept in the
cache (its uncommitted writes would be).
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from core import read_tokens
from core.token_cache import TokenCache
from graphics import selectors
from graphics.models import ReadToken
from graphics.payloads import graphic_json
from graphics.serializers import GRAPHIC_PAGE_MAX, graphic_list_body


@dataclass(frozen=True)
class Rendered:
    body: bytes
    etag: str


_bodies = TokenCache(max_bytes=settings.RENDERED_BODIES_MAX_BYTES, size=lambda rendered: len(rendered.body))


def read_token() -> int | None:
    return read_tokens.current(ReadToken)


def graphic_list(*, overlay_base: str, **query) -> Rendered:
    """`{graphics, total}` of `selectors.graphic_list_rows(**query)`, one page of it when the
    query has `limit` or `offset`; its ETag is the body's digest."""
    key = ("list", overlay_base, tuple(sorted(query.items())))
    token = read_token()
    rendered = _bodies.get(key, token)
    if rendered is None:
        page = None
        if "limit" in query or "offset" in query:
            query = {"limit": GRAPHIC_PAGE_MAX, "offset": 0, **query}
            filters = {name: value for name, value in query.items() if name not in ("limit", "offset")}
            page = {"total": selectors.graphic_count(**filters), "limit": query["limit"],
                    "offset": query["offset"]}
        now, expiries = timezone.now(), []

        def noting_live_locks(rows):
            for row in rows:
                if row["canvas_lock__id"] is not None and row["canvas_lock__expires_at"] > now:
                    expiries.append(row["canvas_lock__expires_at"])
                yield row

        body = graphic_list_body(noting_live_locks(selectors.graphic_list_rows(**query)),
                                 overlay_base=overlay_base, page=page)
        rendered = Rendered(body, f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"')
        _bodies.put(key, token, rendered, valid_until=min(expiries, default=None))
    return rendered


def graphic(*, graphic_id, overlay_base: str) -> Rendered:
    """One graphic (NotFound as `selectors.graphic_get`); its ETag is its version, as every
    answer carrying a graphic has it."""
    key = ("one", overlay_base, str(graphic_id))
    token = read_token()
    rendered = _bodies.get(key, token)
    if rendered is None:
        found = selectors.graphic_get(graphic_id=graphic_id)
        data = graphic_json(found, overlay_base=overlay_base)
        rendered = Rendered(JSONRenderer().render(data), f'"{found.version}"')
        lock = data["canvas_lock"]
        _bodies.put(key, token, rendered,
                    valid_until=found.canvas_lock.expires_at if lock is not None else None)
    return rendered
