import json
import logging
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from tokenhub.logs import JsonFormatter, KeyValueFormatter


def test_health_reports_database_and_broker(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_health_says_which_part_is_down(client, db, settings, monkeypatch):
    from tokenhub import health

    monkeypatch.setattr(health.app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["broker"].startswith("down")
    assert response.json()["database"] == "ok"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "false"}, "SECRET_KEY must be set"),
        ({"DEBUG": "false", "SECRET_KEY": "s3cret-for-test"}, "ALLOWED_HOSTS must be set"),
    ],
)
def test_production_settings_refuse_to_start_without_secrets(env, message):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "tokenhub.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr


def _record(**extra):
    record = logging.LogRecord(
        "tokenhub.rounds", logging.INFO, __file__, 1, "round cleared", (), None
    )
    record.__dict__.update(extra)
    return record


def test_logs_carry_round_and_order_ids_as_json_and_key_values():
    record = _record(round_id=7, order_id=42)
    line = json.loads(JsonFormatter("%(levelname)s %(message)s").format(record))
    assert (line["message"], line["round_id"], line["order_id"]) == ("round cleared", 7, 42)
    text = KeyValueFormatter("%(message)s").format(_record(round_id=7, order_id=42))
    assert text == "round cleared order_id=42 round_id=7"
