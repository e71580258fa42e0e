"""The overlay page an OBS browser source loads: no login, the graphic's overlay key."""

import json

import pytest

from graphics.models import Graphic


@pytest.fixture
def graphic(db):
    return Graphic.objects.create(title="Lobby standings", data_json={"elements": []})


def overlay_config(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="overlay-config" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start:html.index("</script>", start)])


def test_right_key_serves_the_page_without_login(client, graphic):
    response = client.get(f"/overlay/{graphic.id}/?key={graphic.overlay_key}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "/static/graphics/overlay.js" in html
    assert "/static/graphics/drawing.js" in html
    assert "/static/graphics/overlay.css" in html
    assert overlay_config(response) == {
        "graphicId": graphic.id,
        "socketPath": f"/ws/overlay/{graphic.id}/?key={graphic.overlay_key}",
        "preview": False,
    }


def test_preview_output_is_the_same_page_with_its_socket_marked_preview(client, graphic):
    response = client.get(f"/overlay/{graphic.id}/preview/?key={graphic.overlay_key}")

    assert response.status_code == 200
    assert overlay_config(response) == {
        "graphicId": graphic.id,
        "socketPath": f"/ws/overlay/{graphic.id}/?key={graphic.overlay_key}&output=preview",
        "preview": True,
    }
    assert client.get(f"/overlay/{graphic.id}/preview/?key=guess").status_code == 404


def test_page_answers_without_the_trailing_slash(client, graphic):
    response = client.get(f"/overlay/{graphic.id}?key={graphic.overlay_key}")

    assert response.status_code == 200


def test_page_is_not_cached_and_keeps_its_key_out_of_referrers(client, graphic):
    response = client.get(f"/overlay/{graphic.id}/?key={graphic.overlay_key}")

    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("query", ["", "?key=", "?key=wrong-key"])
def test_missing_or_wrong_key_is_a_plain_404(client, graphic, query):
    response = client.get(f"/overlay/{graphic.id}/{query}")

    assert response.status_code == 404
    body = response.content.decode()
    assert "Overlay not found" in body
    assert graphic.overlay_key not in body
    assert "Traceback" not in body


def test_archived_graphic_is_a_404_even_with_its_key(client, graphic):
    Graphic.objects.filter(pk=graphic.pk).update(archived=True)

    response = client.get(f"/overlay/{graphic.id}/?key={graphic.overlay_key}")

    assert response.status_code == 404


def test_unknown_graphic_is_a_404(client, graphic):
    response = client.get(f"/overlay/{graphic.id + 1000}/?key={graphic.overlay_key}")

    assert response.status_code == 404
    assert "Overlay not found" in response.content.decode()


def test_rotated_key_cuts_the_old_url_off(client, graphic):
    old_key = graphic.overlay_key
    Graphic.objects.filter(pk=graphic.pk).update(overlay_key="a-brand-new-key")

    assert client.get(f"/overlay/{graphic.id}/?key={old_key}").status_code == 404
    assert client.get(f"/overlay/{graphic.id}/?key=a-brand-new-key").status_code == 200


def test_key_is_optional_when_the_server_does_not_require_it(client, graphic, settings):
    settings.OVERLAY_REQUIRE_KEY = False

    response = client.get(f"/overlay/{graphic.id}/")

    assert response.status_code == 200
    assert overlay_config(response)["socketPath"] == f"/ws/overlay/{graphic.id}/"


def test_archived_graphic_stays_hidden_when_no_key_is_required(client, graphic, settings):
    settings.OVERLAY_REQUIRE_KEY = False
    Graphic.objects.filter(pk=graphic.pk).update(archived=True)

    assert client.get(f"/overlay/{graphic.id}/").status_code == 404


def test_key_is_passed_to_the_socket_url_encoded(client, graphic, settings):
    settings.OVERLAY_REQUIRE_KEY = False

    response = client.get(f"/overlay/{graphic.id}/?key=a%26b%3Dc")

    assert overlay_config(response)["socketPath"] == f"/ws/overlay/{graphic.id}/?key=a%26b%3Dc"


def test_page_only_answers_reads(client, graphic):
    response = client.post(f"/overlay/{graphic.id}/?key={graphic.overlay_key}")

    assert response.status_code == 405


def test_page_stays_up_when_the_dashboard_api_is_off(client, graphic, settings):
    settings.ENABLE_DASHBOARD = False

    response = client.get(f"/overlay/{graphic.id}/?key={graphic.overlay_key}")

    assert response.status_code == 200


def test_title_is_escaped(client, graphic):
    Graphic.objects.filter(pk=graphic.pk).update(title="<script>alert(1)</script>")

    response = client.get(f"/overlay/{graphic.id}/?key={graphic.overlay_key}")

    assert "<script>alert(1)</script>" not in response.content.decode()
