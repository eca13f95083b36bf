import re
from io import StringIO

import pytest
import yaml
from django.core.management import call_command


def test_openapi_schema_is_valid_and_has_no_warnings():
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = yaml.safe_load(out.getvalue())
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/auth/token/" in schema["paths"]
    assert "/api/v1/districts/" in schema["paths"]


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode()


@pytest.mark.django_db
def test_docs_assets_come_from_the_projects_own_static_files(client):
    docs = client.get("/api/docs/").content.decode()
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", docs)
    assert any(asset.startswith("/static/") for asset in assets)
    assert not [asset for asset in assets if asset.startswith(("http:", "https:", "//"))]


def test_districts_are_public_and_filter_by_group(api, districts):
    response = api.get("/api/v1/districts/?group=thon_south")
    assert response.status_code == 200
    assert response.json()["count"] == 7
    groups = api.get("/api/v1/district-groups/").json()
    assert {group["code"]: group["district_count"] for group in groups}["south"] == 10
    assert api.get("/api/v1/districts/1050/").json()["name_en"] == "Bang Bon"
    assert api.get("/api/v1/districts/9999/").status_code == 404
