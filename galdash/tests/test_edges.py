"""The edges of the site: what ENABLE_DASHBOARD=false leaves up, a forged Host header, and the
API docs pages (self-hosted, under a CSP)."""

import re

import httpx
import pytest
from django.test import Client

from config.models import Configuration
from graphics.models import Graphic

pytestmark = pytest.mark.django_db


class TestDashboardSwitchedOff:
    @pytest.fixture(autouse=True)
    def switched_off(self, settings):
        settings.ENABLE_DASHBOARD = False
        settings.OVERLAY_REQUIRE_KEY = True

    def test_a_configuration_key_named_view_is_no_way_around_it(self, admin_api):
        created = admin_api.post("/api/v1/configuration/view", {"value": 1}, format="json")
        deleted = admin_api.delete("/api/v1/configuration/view")
        read = admin_api.get("/api/v1/configuration/view/")

        assert (created.status_code, deleted.status_code, read.status_code) == (503, 503, 503)
        assert created.json()["code"] == "dashboard_disabled"
        assert not Configuration.objects.filter(key="view").exists()

    def test_the_overlay_view_route_stays_up(self, api_client):
        graphic = Graphic.objects.create(title="G", data_json={"elements": []}, version=1)

        response = api_client.get(f"/api/v1/graphics/{graphic.pk}/view", {"key": graphic.overlay_key})

        assert response.status_code == 200, response.content
        assert response.json()["id"] == graphic.pk


@pytest.mark.django_db(transaction=True)
def test_a_forged_host_on_the_api_answers_the_json_envelope_and_one_warning(daphne_server):
    server = daphne_server("bad-host")
    started = server.log_path.stat().st_size

    api = httpx.get(f"{server.url}/api/v1/graphics", headers={"Host": "evil.example"}, timeout=5)
    page = httpx.get(f"{server.url}/admin/login/", headers={"Host": "evil.example"}, timeout=5)

    assert api.status_code == 400
    assert api.json()["code"] == "bad_host"
    assert page.status_code == 400
    log = server.log_path.read_bytes()[started:].decode(errors="replace")
    assert "Traceback" not in log
    warnings = [line for line in log.splitlines() if "WARNING" in line and "evil.example" in line]
    assert len(warnings) == 2, log  # one for each request
    assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200


class TestDocs:
    @pytest.mark.parametrize("path", ["/docs", "/redoc"])
    def test_docs_load_only_our_own_static_files_under_a_csp(self, path):
        client = Client()
        response = client.get(path)

        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        html = response.content.decode()
        assert "cdn" not in html and "@latest" not in html
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        scripts = [source for source in sources if source.endswith(".js") or "script" in source]
        assert scripts, "positive control: the page loads its scripts"
        for source in sources:
            if source.startswith(("https://fonts.googleapis.com", "https://fonts.gstatic.com")):
                continue  # ReDoc's font links, which the CSP blocks (the page falls back)
            assert client.get(source.replace("&amp;", "&")).status_code == 200, source
        assert "<script>" not in html  # no inline script: the CSP would block it
