"""Django's makemessages with this project's defaults, so every helper produces the same catalogue.

`manage.py makemessages` alone updates locale/{zh_Hans,en}/LC_MESSAGES/django.po (and djangojs.po
with `-d djangojs`): both languages, no obsolete entries, no source line numbers (they would make
every edit of a template a merge conflict in the catalogue), no creation dates in the header (the
same reason), never the tests, benches or var/.
"""

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.commands import makemessages

LANGUAGES = ["zh_Hans", "en"]
IGNORE = ["tests/*", "bench/*", "var/*", "static/vendor/*", "*.egg-info/*"]


class Command(makemessages.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        if not options.get("locale") and not options.get("all"):
            options["locale"] = list(LANGUAGES)
        options["ignore_patterns"] = list(options.get("ignore_patterns") or []) + IGNORE
        options["no_obsolete"] = True
        options["no_location"] = True
        if options.get("domain") == "djangojs" and not options.get("extensions"):
            options["extensions"] = ["js"]
        super().handle(*args, **options)
        for catalogue in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/*.po"):
            text = catalogue.read_text(encoding="utf-8")
            catalogue.write_text(_DATES.sub("", text), encoding="utf-8")


_DATES = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): [^"]*\\n"\n', re.MULTILINE)
