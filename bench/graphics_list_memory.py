"""Memory of `GET /api/v1/graphics` with 21 canvases of about 5 MB each (the issue's case):
the Python heap's peak while the response is built (tracemalloc), for the whole list and for a
page of 5. Prints one JSON line.

    python bench/graphics_list_memory.py     # SQLite in a temporary file
    DATABASE_URL=postgres://... python bench/graphics_list_memory.py
"""

import json
import tracemalloc

from harness import django_in_process

django_in_process()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import token_pair_for  # noqa: E402
from graphics.models import Graphic  # noqa: E402

CANVASES = 21


def main() -> None:
    call_command("migrate", verbosity=0)
    Graphic.objects.all().delete()
    element = {"id": "t", "type": "text", "x": 1, "y": 2, "content": "x" * 2400}
    canvas = {"elements": [dict(element, id=f"t{n}") for n in range(2000)]}
    size = len(json.dumps(canvas))
    for n in range(CANVASES):
        Graphic.objects.create(title=f"Big {n}", data_json=canvas, version=1)
    user, _ = User.objects.get_or_create(username="bench-reader")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_pair_for(user)['access_token']}")

    results = {"canvas_mb": round(size / 2**20, 2), "canvases": CANVASES}
    for name, query in (("whole_list", {}), ("page_of_5", {"limit": 5})):
        client.get("/api/v1/graphics", query)  # warm
        tracemalloc.start()
        response = client.get("/api/v1/graphics", query)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results[name] = {"status": response.status_code,
                         "body_mb": round(len(response.content) / 2**20, 1),
                         "peak_mb": round(peak / 2**20, 1)}
        del response
    Graphic.objects.all().delete()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
