"""Token scopes: `read` for GET, `trade` for order writes. Sessions are limited by role only."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from ..models import ApiToken, Scope


class TokenScopes(BasePermission):
    code = "scope_missing"
    message: Any = gettext_lazy("This token lacks the scope this request needs.")

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        needed = getattr(view, "token_scope", None)  # a view may name its own (e.g. meter)
        if needed is None:
            needed = Scope.READ if request.method in SAFE_METHODS else Scope.TRADE
        if token.has_scope(needed):
            return True
        self.message = _(
            "This token lacks the '%(scope)s' scope; create a token with it on the API tokens page."
        ) % {"scope": needed}
        return False
