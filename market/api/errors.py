"""One JSON shape for every refusal: `{"detail": message, "code": code, "errors": {field: [..]}}`.

`MarketError` from the services keeps its status (400, 403, 409, 422); DRF's own errors
(validation, authentication, throttling with its `Retry-After`) are reshaped to match.
"""

from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.utils.translation import gettext as _
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import MarketError

NON_FIELD = "non_field_errors"


def market_error_body(error: MarketError) -> dict[str, Any]:
    errors = {error.field: [error.message]} if error.field else {}
    return {"detail": error.message, "code": error.code, "errors": errors}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested validation errors as {"field.sub": [messages]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for name, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{name}" if prefix else str(name)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or NON_FIELD: [str(message) for message in messages]}


def _validation_body(exc: ValidationError) -> dict[str, Any]:
    errors = _flatten(exc.detail)
    field, messages = next(iter(errors.items()), (NON_FIELD, [_("Invalid input.")]))
    if field == NON_FIELD:
        detail = _("Invalid input. %(message)s") % {"message": messages[0]}
    else:
        detail = _("Invalid input. %(field)s: %(message)s") % {
            "field": field,
            "message": messages[0],
        }
    return {"detail": detail, "code": "invalid", "errors": errors}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, MarketError):
        return Response(market_error_body(exc), status=exc.status)
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        body = {"detail": _("The request body is too large."), "code": "too_large", "errors": {}}
        return Response(body, status=413)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling and logging take over
    if isinstance(exc, ValidationError):
        response.data = _validation_body(exc)
        return response
    detail = response.data.get("detail") if isinstance(response.data, dict) else response.data
    code = detail.code if isinstance(detail, ErrorDetail) else "error"
    response.data = {"detail": str(detail), "code": code, "errors": {}}
    return response
