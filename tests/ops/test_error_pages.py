"""The README's run command serves the product's own error pages, never Django's debug pages."""

from pathlib import Path

import pytest
from django.test import Client

from market.management.commands.up import serving_env


def test_up_runs_without_debug_unless_asked(tmp_path: Path):
    env = serving_env(debug=False, environ={"PATH": "/bin"}, var=tmp_path)
    assert env["DEBUG"] == "false"
    assert len(env["SECRET_KEY"]) > 40  # made once for this checkout, kept under var/
    assert env["SECRET_KEY"] == serving_env(debug=False, environ={}, var=tmp_path)["SECRET_KEY"]
    assert env["ALLOWED_HOSTS"] == "127.0.0.1,localhost"
    assert serving_env(debug=True, environ={}, var=tmp_path)["DEBUG"] == "true"
    assert serving_env(debug=False, environ={"DEBUG": "true"}, var=tmp_path)["DEBUG"] == "true"
    assert serving_env(debug=False, environ={"SECRET_KEY": "mine"}, var=tmp_path)["SECRET_KEY"] == (
        "mine"
    )


def test_a_bad_division_slug_is_a_helpful_404(client, management):
    client.force_login(management)
    response = client.get("/ledger/", {"division": "no-such-division"})
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is no division “no-such-division”: pick one from the list." in page
    assert "URLconf" not in page
    assert "Back to the dashboard" in page


def test_an_unknown_address_or_id_gets_the_products_404(client, lead):
    client.force_login(lead)
    for url in ["/no/such/page/", "/orders/0000000000000000/", "/rounds/999999/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Not found" in response.content.decode()
        assert "URLconf" not in response.content.decode()


@pytest.mark.django_db
def test_a_crash_gets_the_products_500(settings):
    settings.ROOT_URLCONF = "tests.ops.crash_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/crash/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_refusal_gets_the_products_403(client, auditor, division):
    client.force_login(auditor)
    response = client.get(f"/admin/divisions/division/{division.pk}/grant/")
    assert response.status_code == 403
    assert "You do not have the rights for this page or action." in response.content.decode()
