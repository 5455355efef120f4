"""A person's language and time zone: chosen in the header or on the preferences page, kept."""

import pytest

from accounts.models import Preference


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def test_the_browser_language_picks_chinese_until_the_person_chooses(lead_client):
    page = lead_client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert page["Content-Language"] == "zh-hans"
    assert 'lang="zh-hans"' in page.content.decode()
    assert lead_client.get("/dashboard/")["Content-Language"] == "en"


def test_the_header_switch_remembers_the_choice_for_the_person(lead_client, lead, client):
    response = lead_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/dashboard/"})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert Preference.objects.get(user=lead).language == "zh-hans"
    # a new session on another machine whose browser asks for English still gets Chinese
    client.cookies.clear()
    client.force_login(lead)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "zh-hans"


def test_the_admin_follows_the_chosen_language(client, management):
    Preference.objects.create(user=management, language="zh-hans")
    client.force_login(management)
    page = client.get("/admin/")
    assert page["Content-Language"] == "zh-hans"
    assert "最近动作" in page.content.decode()  # Django admin's own catalogue


def test_the_api_follows_accept_language_not_the_saved_choice(client, lead):
    Preference.objects.create(user=lead, language="zh-hans")
    client.force_login(lead)
    assert client.get("/api/me/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"


def test_the_preferences_page_saves_time_zone_and_email_choice(lead_client, lead):
    response = lead_client.post(
        "/account/preferences/",
        {"language": "", "time_zone": "Europe/Berlin", "email_notifications": "on"},
    )
    assert response.status_code == 302
    saved = Preference.objects.get(user=lead)
    assert (saved.time_zone, saved.email_notifications) == ("Europe/Berlin", True)
    page = lead_client.get("/account/preferences/").content.decode()
    assert "Preferences saved." in page


def test_an_unknown_time_zone_is_refused_without_an_error_page(lead_client):
    response = lead_client.post("/account/preferences/", {"time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
