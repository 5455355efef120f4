"""Django's compilemessages limited to this project's catalogues (never the virtualenv's)."""

from typing import Any

from django.core.management.commands import compilemessages

IGNORE = [".venv", "venv", "var", "node_modules", "*.egg-info"]


class Command(compilemessages.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        options["ignore_patterns"] = list(options.get("ignore_patterns") or []) + IGNORE
        super().handle(*args, **options)
