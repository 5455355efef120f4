"""The header's language switch names each language in itself ("English", "简体中文"), so a
reader who cannot read the page's language still finds their own."""

import re

import pytest

pytestmark = pytest.mark.django_db
SWITCH = r'(?s)<form class="language".*?</form>'


def switch_names(page: str) -> list[str]:
    form = re.search(SWITCH, page)
    assert form is not None
    return re.findall(r'name="language"[^>]*>([^<]*)</button>', form.group(0))


@pytest.mark.parametrize("accept", ["zh-CN,zh;q=0.9", "en"])
def test_the_language_switch_names_each_language_in_itself(client, accept):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert switch_names(page) == ["English", "简体中文"]
    assert "英语" not in page
