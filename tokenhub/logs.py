"""Log formatters: key=value lines on a laptop, JSON lines in production; both keep `extra` ids."""

import logging

from pythonjsonlogger.json import JsonFormatter

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class KeyValueFormatter(logging.Formatter):
    """Appends every `extra=` field (round_id, order_id, ...) as key=value to the message."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        if extras:
            line += " " + " ".join(f"{k}={v}" for k, v in sorted(extras.items()))
        return line


__all__ = ["JsonFormatter", "KeyValueFormatter"]
