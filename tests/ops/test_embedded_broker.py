"""The embedded broker (no server) hands a worker every message whole, however fast they come."""

import threading
from queue import Empty

import pytest
from kombu import Connection

from tokenhub.broker import Transport
from tokenhub.celery import app


def _connection(folder):
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder)}
    return Connection(transport=Transport, transport_options=options)


def test_a_worker_polling_while_messages_are_written_reads_each_one_whole(tmp_path):
    payload = {"body": "x" * 2_000_000}  # big enough that writing one takes a while
    sent, received, errors = 40, [], []

    def consume():
        with _connection(tmp_path) as connection:
            channel = connection.default_channel
            while len(received) < sent:
                try:
                    received.append(channel._get("celery"))
                except Empty:
                    continue
                except Exception as exc:  # a half-written message: what this test is about
                    errors.append(exc)
                    return

    reader = threading.Thread(target=consume)
    reader.start()
    # when
    with _connection(tmp_path) as connection:
        for _ in range(sent):
            connection.default_channel._put("celery", payload)
    reader.join(timeout=60)
    # then
    assert errors == []
    assert len(received) == sent
    assert all(message == payload for message in received)


def test_the_embedded_default_writes_its_messages_whole():
    if not app.conf.broker_url.startswith("filesystem://"):
        pytest.skip("a broker server is configured (CELERY_BROKER_URL)")
    with app.connection_for_write() as connection:
        assert isinstance(connection.transport, Transport)
