"""Rate limits per token (per user for sessions, per address for anonymous requests).

Rates come from settings (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], with environment
overrides) and are read on each request, so a settings override applies at once. A throttled
request gets 429 with `Retry-After`.
"""

from typing import Any

from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from ..models import ApiToken


class _SettingsRate(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return None if rate is None else str(rate)


class TokenRateThrottle(_SettingsRate):
    """Every authenticated request, counted per token or per signed-in user."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        else:
            ident = f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TradeRateThrottle(TokenRateThrottle):
    """Order writes only: placing, changing and cancelling, on a tighter budget."""

    scope = "trade"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.method in SAFE_METHODS:
            return None
        return super().get_cache_key(request, view)


class AnonRateThrottle(_SettingsRate):
    scope = "anon"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
