import pytest
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAdministrator, ReadAnyWriteEditor

pytestmark = [pytest.mark.django_db, pytest.mark.urls("accounts.tests.test_roles")]


class SampleWritable(APIView):
    permission_classes = [ReadAnyWriteEditor]

    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response({"ok": True})


class SampleAdministrative(APIView):
    permission_classes = [IsAdministrator]

    def post(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("api/v1/writable", SampleWritable.as_view()),
    path("api/v1/administrative", SampleAdministrative.as_view()),
]


def test_anonymous_read_is_401(api_client):
    response = api_client.get("/api/v1/writable")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_viewer_reads_but_is_refused_a_write(viewer_api):
    assert viewer_api.get("/api/v1/writable").status_code == 200

    response = viewer_api.post("/api/v1/writable", {}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "This action needs the Editor or Administrator role.",
                               "code": "permission_denied"}


def test_editor_writes_but_is_refused_an_administrator_route(editor_api):
    assert editor_api.post("/api/v1/writable", {}, format="json").status_code == 200

    response = editor_api.post("/api/v1/administrative", {}, format="json")

    assert response.status_code == 403
    assert response.json()["detail"] == "This action needs the Administrator role."


def test_administrator_passes_both(admin_api):
    assert admin_api.post("/api/v1/writable", {}, format="json").status_code == 200
    assert admin_api.post("/api/v1/administrative", {}, format="json").status_code == 200
