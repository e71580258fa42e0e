"""Worst-case canvases just under the 5 MB limit: the time to parse the request body and
validate it (what a PUT/POST spends before it refuses or stores). Prints one JSON line.

    python bench/canvas_validation.py
"""

import json
import statistics
import time

from harness import django_in_process

django_in_process()

from django.core.exceptions import ValidationError  # noqa: E402
from rest_framework.utils import json as drf_json  # noqa: E402

from core.errors import PayloadTooLarge  # noqa: E402
from graphics.canvas import canvas_clean  # noqa: E402

bad = {"id": 1, "type": "nope", "x": "a", "y": "b", "spacing": "c"}
CASES = {
    "2.5M zeros": '{"elements": [' + "0," * 2_499_999 + "0]}",
    "2000 bad elements, padded": json.dumps(
        {"elements": [dict(bad, pad="x" * 2500) for _ in range(2000)]}),
    "2000 good elements, padded": json.dumps({"elements": [
        {"id": n, "type": "text", "x": 1, "y": 2, "content": "x" * 2500} for n in range(2000)]}),
    "one 5 MB string": json.dumps({"elements": [], "note": "x" * (5 * 1024 * 1024 - 40)}),
}


def run(text: str) -> float:
    started = time.perf_counter()
    try:
        canvas_clean(drf_json.loads(text))
    except (ValidationError, PayloadTooLarge):
        pass
    return time.perf_counter() - started


results = {}
for name, text in CASES.items():
    times = [run(text) for _ in range(5)]
    results[name] = {"bytes": len(text), "min_s": round(min(times), 3),
                     "median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3)}
print(json.dumps(results))
