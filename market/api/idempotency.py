"""The `Idempotency-Key` header on order placement: parse it, fingerprint the request, replay.

A retry with the same key and the same request returns the first response (with the header
`Idempotent-Replayed: true`) and places nothing; the same key with a different request is
refused with 422.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from ..services.tokens import idempotent_run

HEADER = "Idempotency-Key"
MAX_LENGTH = 255


def key_of(request: Request) -> str | None:
    """The request's key, or None when it sent none; a malformed key is a 400."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_LENGTH or not key.isascii() or not key.isprintable():
        raise ValidationError(
            {
                HEADER: [
                    _("Use 1 to %(most)s printable ASCII characters, e.g. a UUID.")
                    % {"most": MAX_LENGTH}
                ]
            }
        )
    return key


def fingerprint_of(request: Request) -> str:
    """sha256 of method, path and the parsed body (so key order and spacing do not matter)."""
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    text = f"{request.method}\n{request.path}\n{body}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def respond_once(request: Request, action: Callable[[], tuple[int, Any]]) -> Response:
    """Run `action` (which returns status and body) under the request's key, if it sent one."""
    key = key_of(request)
    if key is None:
        status, body = action()
        return Response(body, status=status)
    outcome = idempotent_run(
        user=request.user, key=key, fingerprint=fingerprint_of(request), action=action
    )
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else None
    return Response(outcome.body, status=outcome.status, headers=headers)
