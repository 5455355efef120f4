"""The demo speaks both languages: Chinese division names with English ones for English
readers, people with e-mail addresses, some of them reading Chinese, the README's sign-ins."""

from django.contrib.auth import authenticate
from django.test import override_settings
from django.utils import translation

from accounts.models import Preference
from divisions.models import Division
from market import demo


def test_divisions_are_named_in_chinese_with_an_english_name_and_english_slugs(db):
    demo.seed_people_and_budgets()
    names = dict(Division.objects.values_list("slug", "name"))
    assert names == {
        "model-lab": "通义实验室",
        "cloud": "云基础设施",
        "maas": "MaaS 平台",
        "assistant": "千问",
        "agents": "悟空",
        "innovation": "新业务",
        "ecommerce": "电商",
    }
    qwen = Division.objects.get(slug="assistant")
    with translation.override("zh-hans"):
        assert str(qwen) == "千问"
    with translation.override("en"):
        assert str(qwen) == "Qwen"


def test_an_earlier_demos_english_division_is_renamed_but_managements_own_name_is_kept(db):
    Division.objects.create(slug="assistant", name="Consumer Assistant")
    Division.objects.create(slug="agents", name="Agents (renamed by management)")
    demo.seed_people_and_budgets()
    assert Division.objects.get(slug="assistant").name == "千问"
    assert Division.objects.get(slug="agents").name == "Agents (renamed by management)"


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_demo_people_sign_in_as_the_readme_says_with_e_mail_and_saved_preferences(db):
    sign_ins = dict(demo.seed_all())
    for username in ("assistant-lead", "management", "auditor"):
        assert username in sign_ins
        user = authenticate(username=username, password=demo.DEMO_PASSWORD)
        assert user is not None, username
        assert user.email == f"{username}@tokenhub.example"
    chinese = set(
        Preference.objects.filter(language="zh-hans").values_list("user__username", flat=True)
    )
    assert {"management", "agents-lead", "assistant-member"} <= chinese
    assert "assistant-lead" not in chinese  # follows the browser, as the README's tour assumes
    assert set(Preference.objects.values_list("time_zone", flat=True)) == {"Asia/Shanghai"}
