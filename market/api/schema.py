"""OpenAPI: the error responses every operation can give, and the token security scheme."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text="What went wrong, in words to act on.")
    code = serializers.CharField(help_text="A stable machine code, e.g. insufficient_funds.")
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Per-field messages; empty when the error is not about one field.",
    )


def error_response(description: str, detail: str, code: str, errors: Any = None) -> OpenApiResponse:
    example = {"detail": detail, "code": code, "errors": errors or {}}
    return OpenApiResponse(
        ErrorSerializer,
        description=description,
        examples=[OpenApiExample(code, value=example, response_only=True)],
    )


ERRORS = {
    "400": error_response(
        "Invalid input: per-field messages in `errors`.",
        "Invalid input. quantity: Ensure this value is greater than or equal to 1.",
        "invalid",
        {"quantity": ["Ensure this value is greater than or equal to 1."]},
    ),
    "401": error_response(
        "No or invalid credentials: send `Authorization: Bearer <token>`.",
        "That token is not valid.",
        "authentication_failed",
    ),
    "403": error_response(
        "Your role or your token's scopes do not allow this.",
        "This token lacks the 'trade' scope; create a token with it on the API tokens page.",
        "scope_missing",
    ),
    "404": error_response(
        "Not found, or not yours to see.", "No Order matches the given query.", "not_found"
    ),
    "409": error_response(
        "Refused by the market's state or your balance.",
        "Insufficient funds: Assistant has 100.00 credits available, needs 235.00.",
        "insufficient_funds",
    ),
    "422": error_response(
        "The Idempotency-Key was already used for a different request.",
        "Idempotency-Key 'a1b2' was already used for a different request; send a new key for "
        "a new order.",
        "idempotency_key_reused",
        {"Idempotency-Key": ["Idempotency-Key 'a1b2' was already used for a different request."]},
    ),
    "429": error_response(
        "Too many requests for this token: wait `Retry-After` seconds.",
        "Request was throttled. Expected available in 12 seconds.",
        "throttled",
    ),
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before the next request.",
    }
}


class ApiAutoSchema(AutoSchema):
    """Adds the documented error responses each kind of operation can give."""

    def _error_codes(self) -> list[str]:
        codes = ["401", "403", "429"]
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        listing = self._is_list_view()
        if listing or "{" in self.path:
            codes.append("404")  # a page past the end, or an object that is not yours
        if writes or listing:
            codes.append("400")
        if writes:
            codes.append("409")
        if getattr(self.view, "action", None) == "create" and getattr(
            self.view, "idempotent_create", False
        ):
            codes.append("422")
        return sorted(codes)

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(ERRORS[code], code)
        if "429" in responses:
            responses["429"].setdefault("headers", {}).update(RETRY_AFTER)
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "market.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from the API tokens page: "
            "`Authorization: Bearer thk_…` (or `Token thk_…`). Scopes: read, trade.",
        }
