"""A production-shaped Tokenhub on this machine, for the scale and load scripts.

PostgreSQL (a fresh database per run), Redis as broker, gunicorn with N web processes, N Celery
workers and one beat, all on 127.0.0.1; divisions with trade tokens and markets seeded directly.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CELERY = [sys.executable, "-m", "celery", "-A", "tokenhub"]


@dataclass
class Cluster:
    database: str
    port: int = 8071
    web: int = 3
    workers: int = 3
    # several people benchmarking on one machine each give their own Redis databases
    broker: str = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
    cache: str = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/11")
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:5432/{self.database}"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "CELERY_BROKER_URL": self.broker,
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-not-for-production",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "API_RATE_TOKEN": "1000000/minute",
            "API_RATE_TRADE": "1000000/minute",
            "LOG_LEVEL": "WARNING",
            "CONN_MAX_AGE": "60",
            "CACHE_URL": self.cache,
            "TOKENHUB_VAR": f"/tmp/{self.database}-var",
        }

    def prepare(self) -> None:
        """Fresh database, migrated; Django set up in this process against it."""
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{self.database}"')
        os.environ.update({k: v for k, v in self.env().items() if k != "DEBUG"})
        os.environ["DJANGO_SETTINGS_MODULE"] = "tokenhub.settings"
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        subprocess.run(
            [*CELERY, "purge", "-f"],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            check=False,
        )

    def start(self, *, beat: bool = True) -> None:
        py = sys.executable
        log = open(f"/tmp/{self.database}-cluster.log", "ab")  # noqa: SIM115
        run = {"cwd": ROOT, "env": self.env(), "stdout": log, "stderr": subprocess.STDOUT}
        self.procs.append(
            subprocess.Popen(
                [
                    py,
                    "-m",
                    "gunicorn",
                    "tokenhub.wsgi",
                    "-b",
                    f"127.0.0.1:{self.port}",
                    "-w",
                    str(self.web),
                    "-k",
                    "gthread",
                    "--threads",
                    "8",
                    "--timeout",
                    "60",
                ],
                **run,
            )
        )
        for i in range(self.workers):
            self.procs.append(
                subprocess.Popen(
                    [
                        *CELERY,
                        "worker",
                        "--pool=solo",
                        f"--hostname=w{i}@%h",
                        "--loglevel=WARNING",
                    ],
                    **run,
                )
            )
        if beat:
            self.procs.append(
                subprocess.Popen(
                    [
                        *CELERY,
                        "beat",
                        "--loglevel=WARNING",
                        "-s",
                        f"/tmp/{self.database}-beat",
                    ],
                    **run,
                )
            )
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{self.base}/health/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("web did not come up; see the cluster log")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def seed(divisions: int, markets: int, round_minutes: int = 1) -> tuple[list[str], list[int]]:
    """`divisions` funded divisions, each with a trade token; `markets` markets with stock.

    Even divisions buy, odd ones sell (a division never trades with itself in a round).
    Returns the tokens and the market ids.
    """
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from divisions.models import Division
    from ledger import services as ledger
    from ledger.models import Asset
    from market.models import Market, Membership
    from market.services import tokens

    now = timezone.now()
    market_ids = []
    for m in range(markets):
        asset = Asset.objects.create(
            code=f"gpu-{m}", name=f"GPU pool {m}", kind="gpu", delivery_start=now, delivery_end=now
        )
        market_ids.append(
            Market.objects.create(
                asset=asset, name=f"Pool {m}", slug=f"pool-{m}", round_minutes=round_minutes
            ).pk
        )
    secrets = []
    for d in range(divisions):
        division = Division.objects.create(name=f"Division {d}", slug=f"division-{d}")
        user = get_user_model().objects.create(username=f"lead-{d}")
        Membership.objects.create(user=user, division=division, role="lead")
        if d % 2 == 0:
            ledger.credits_grant(division=division, amount=Decimal(10_000_000), by=None)
        else:
            for asset in Asset.objects.exclude(kind="credits"):
                ledger.units_mint(division=division, asset=asset, quantity=10_000_000, by=None)
        secrets.append(
            tokens.token_create(user=user, name="bench", scopes=["read", "trade"]).secret
        )
    return secrets, market_ids
