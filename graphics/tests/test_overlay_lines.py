"""How the admin says which overlays are connected."""

from datetime import UTC, datetime, timedelta

import pytest

from graphics.overlay import client_label, overlay_client_line

NOW = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize("user_agent, label", [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/103.0.5060.134 Safari/537.36 OBS/30.0.2", "OBS (Windows)"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/116.0.0.0 Safari/537.36 OBS/30.1.0", "OBS (macOS)"),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 "
     "Safari/537.36", "Chrome (Linux)"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox (Linux)"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36 Edg/131.0.0.0", "Edge (Windows)"),
    ("", "Unknown browser"),
])
def test_client_label_names_the_browser_source(user_agent, label):
    assert client_label(user_agent) == label


def client(**fields) -> dict:
    return {"graphic_id": 1, "client": "10.0.0.5:50758", "last_ping": None, "version": 7, "output": "program",
            "user_agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/103.0 Safari/537.36 OBS/30.0.2",
            "connected_at": (NOW - timedelta(minutes=3, seconds=5)).isoformat(), **fields}


def test_a_current_obs_source_reads_as_a_producer_says_it():
    assert overlay_client_line(client(), current_version=7, now=NOW) == (
        "OBS (Windows) · 10.0.0.5 · connected 3 min ago · showing version 7 (current)")


def test_a_stale_or_silent_source_and_a_preview_output_say_so():
    assert overlay_client_line(client(version=5), current_version=7, now=NOW).endswith(
        "showing version 5 (stale, current is 7)")
    assert overlay_client_line(client(version=None, connected_at=NOW.isoformat()), current_version=7,
                               now=NOW).endswith("connected just now · version not reported yet")
    assert overlay_client_line(client(output="preview"), current_version=7, now=NOW).startswith(
        "preview output · OBS (Windows)")
