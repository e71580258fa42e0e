"""HTTP goes to Django; WebSockets to the dashboard and overlay consumers (galdash.routing).

Importing this module also bounds daphne's request bodies and masks its access log
(`core.server`), before daphne's command line builds its server.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "galdash.settings")
django_application = get_asgi_application()

from core import server  # noqa: E402

server.install()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from galdash.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
