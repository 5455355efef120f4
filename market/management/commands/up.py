"""One command for a newcomer: migrate, seed the demo, then run web, a worker and beat together."""

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def laptop_secret(var: Path) -> str:
    """A secret key made once for this checkout, kept under var/ (never committed)."""
    path = var / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def serving_env(*, debug: bool, environ: dict[str, str], var: Path) -> dict[str, str]:
    """The web server's and worker's environment: DEBUG off, so visitors get the product's own
    404/403/500 pages, never Django's debug pages; `--debug` (or DEBUG set) for developers."""
    env = dict(environ)
    if debug:
        return {**env, "DEBUG": "true"}
    if "DEBUG" in env:
        return env
    defaults = {
        "SECRET_KEY": laptop_secret(var),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SESSION_COOKIE_SECURE": "false",  # plain http on a laptop
        "CSRF_COOKIE_SECURE": "false",
        "LOG_FORMAT": "keyvalue",
    }
    return {**defaults, **env, "DEBUG": "false"}


class Command(BaseCommand):
    help = "Migrate, seed the demo and run web + Celery worker + beat until Ctrl-C."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-seed", action="store_true")
        parser.add_argument(
            "--debug", action="store_true", help="Django's debug mode and pages (developers)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_seed"]:
            call_command("seed_demo")
            call_command("seed_chain")  # the markets: delivery windows of the demo's series
        python = sys.executable
        env = serving_env(debug=options["debug"], environ=dict(os.environ), var=settings.VAR)
        if env["DEBUG"] == "false":  # static files come hashed from STATIC_ROOT, as in production
            collect = [python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
            subprocess.run(collect, env=env, check=True)  # noqa: S603 (our own command)
        commands = {
            "web": [python, "manage.py", "runserver", options["addr"], "--noreload"],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "tokenhub",
                "worker",
                "-B",
                "--pool=solo",
                "--loglevel=INFO",
                "--hostname=worker@%h",
            ],
        }
        procs = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
        self.stdout.write(self.style.SUCCESS(f"Tokenhub is up at http://{options['addr']}/"))
        stop = False

        def on_signal(signum: int, frame: Any) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        while not stop and all(p.poll() is None for p in procs.values()):
            time.sleep(0.5)
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
