"""The REST API under /api/: each app owns its endpoints, the project composes them here.

The market's routes (market/api/urls.py) and arbitration's (arbitration/api/urls.py) share one
namespace, one schema and one "not found" answer; the market never imports arbitration.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from arbitration.api import urls as arbitration_api
from chain.api import urls as chain_api
from events.api import urls as events_api
from market.api import urls as market_api

app_name = "api"


def not_found(request: HttpRequest) -> JsonResponse:
    """Unknown API addresses answer in the API's JSON error shape, not an HTML page."""
    hint = "" if request.path.endswith("/") else f" Did you mean {request.path}/?"
    detail = f"There is no API endpoint at {request.path}.{hint} See /api/docs/."
    return JsonResponse({"detail": detail, "code": "not_found", "errors": {}}, status=404)


urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(market_api.urlpatterns)),
    path("", include(arbitration_api.urlpatterns)),
    path("", include(chain_api.urlpatterns)),
    path("", include(events_api.urlpatterns)),
    re_path(r"^[\s\S]*$", csrf_exempt(not_found), name="not-found"),
]
