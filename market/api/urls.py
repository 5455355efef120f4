"""The REST API for division agents: the same services and rules as the browser."""

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import disputes, orders, token_pages, views

app_name = "api"

router = SimpleRouter()
router.register("markets", views.MarketViewSet, basename="market")
router.register("rounds", views.RoundViewSet, basename="round")
router.register("orders", orders.OrderViewSet, basename="order")
router.register("fills", views.FillViewSet, basename="fill")
router.register("ledger", views.LedgerViewSet, basename="ledger")
router.register("disputes", disputes.DisputeViewSet, basename="dispute")

urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("holdings/", views.HoldingsView.as_view(), name="holdings"),
    path("me/", views.MeView.as_view(), name="me"),
    path("tokens/", token_pages.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_pages.token_revoke, name="token-revoke"),
    *router.urls,
    re_path(r"^[\s\S]*$", csrf_exempt(lambda request: not_found(request)), name="not-found"),
]


def not_found(request: HttpRequest) -> JsonResponse:
    """Unknown API addresses answer in the API's JSON error shape, not an HTML page."""
    hint = "" if request.path.endswith("/") else f" Did you mean {request.path}/?"
    detail = f"There is no API endpoint at {request.path}.{hint} See /api/docs/."
    return JsonResponse({"detail": detail, "code": "not_found", "errors": {}}, status=404)
