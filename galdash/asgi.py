"""HTTP goes to Django; WebSockets to the dashboard and overlay consumers (galdash.routing).

Importing this module also bounds daphne's request bodies and masks its access log
(`core.server`), before daphne's command line builds its server.

Last, what start-up built (modules, settings, the URLs and the views they import) is moved out of
the garbage collector's way (`gc.freeze`): it lives as long as the process, and a full
collection that scanned it all stopped every request in flight for 40-60 ms.
"""

import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "galdash.settings")
django.setup(set_prefix=False)

from core.handler import OneHopASGIHandler  # noqa: E402

django_application = OneHopASGIHandler()

from core import server  # noqa: E402

server.install()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from galdash.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": URLRouter(websocket_urlpatterns),
    }
)

get_resolver().url_patterns  # noqa: B018 (imports every view now, not at the first request)
gc.collect()
gc.freeze()
