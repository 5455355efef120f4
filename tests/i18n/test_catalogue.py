"""The 简体中文 catalogue is complete, compiled, and knows every string the code marks."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR, "locale")
DOMAINS = ["django", "djangojs"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sd]|\{\w*\}")


def catalogues(language: str) -> list[polib.POFile]:
    found = [LOCALE / language / "LC_MESSAGES" / f"{d}.po" for d in DOMAINS]
    return [polib.pofile(str(path)) for path in found if path.exists()]


def label(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid!r}"


def translated(entry: polib.POEntry) -> bool:
    """A msgstr, or every plural form (a singular entry has no plural forms: all({}) is True,
    so it must not count as translated through them)."""
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def test_an_empty_msgstr_counts_as_untranslated():
    assert not translated(polib.POEntry(msgid="Open orders", msgstr=""))
    assert not translated(polib.POEntry(msgid="a", msgid_plural="b", msgstr_plural={0: ""}))
    assert translated(polib.POEntry(msgid="a", msgid_plural="b", msgstr_plural={0: "甲"}))


def test_every_message_has_a_chinese_translation():
    untranslated = [
        label(e)
        for po in catalogues("zh_Hans")
        for e in po
        if not e.obsolete and ("fuzzy" in e.flags or not translated(e))
    ]
    assert untranslated == [], f"{len(untranslated)} untranslated: {untranslated[:40]}"


def test_translations_keep_every_placeholder():
    broken = []
    for po in catalogues("zh_Hans"):
        for e in po.translated_entries():
            wanted = sorted(set(PLACEHOLDER.findall(e.msgid)))
            for text in [e.msgstr, *e.msgstr_plural.values()]:
                if text and sorted(set(PLACEHOLDER.findall(text))) != wanted:
                    broken.append(label(e))
    assert broken == []


def test_the_compiled_catalogues_match_their_sources():
    for language in ("zh_Hans", "en"):
        for domain in DOMAINS:
            po_path = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
            if not po_path.exists():
                continue
            compiled = polib.mofile(str(po_path.with_suffix(".mo")))
            want = {
                (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "")
                for e in polib.pofile(str(po_path)).translated_entries()
            }
            have = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "") for e in compiled}
            have.pop((None, ""), None)
            assert have == want, f"{po_path}: run manage.py compilemessages"


@pytest.fixture
def scratch_locale(tmp_path):
    """Run makemessages on the real tree, then put the committed catalogues back."""
    saved = tmp_path / "locale"
    shutil.copytree(LOCALE, saved)
    try:
        yield saved
    finally:
        shutil.rmtree(LOCALE)
        shutil.copytree(saved, LOCALE)


def test_makemessages_finds_no_new_strings(scratch_locale, monkeypatch):
    monkeypatch.chdir(settings.BASE_DIR)
    call_command("makemessages", verbosity=0)
    call_command("makemessages", domain="djangojs", verbosity=0)
    for domain in DOMAINS:
        fresh_path = LOCALE / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"
        if not fresh_path.exists():
            continue
        committed_path = scratch_locale / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"
        committed = {
            (e.msgctxt, e.msgid, e.msgid_plural) for e in polib.pofile(str(committed_path))
        }
        fresh = {(e.msgctxt, e.msgid, e.msgid_plural) for e in polib.pofile(str(fresh_path))}
        new = sorted(m[1] for m in fresh - committed)
        gone = sorted(m[1] for m in committed - fresh)
        assert (new, gone) == ([], []), (
            f"{domain}: out of date (README 'Translations'): new {new[:30]}, gone {gone[:30]}"
        )
