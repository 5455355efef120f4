"""The market's REST routes: markets, rounds, orders, fills, ledger, holdings, me, tokens.

tokenhub/api_urls.py mounts them under /api/ with the other apps' routes and the schema.
"""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from . import bundles, orders, token_pages, views

router = SimpleRouter()
router.register("markets", views.MarketViewSet, basename="market")
router.register("rounds", views.RoundViewSet, basename="round")
router.register("orders", orders.OrderViewSet, basename="order")
router.register("fills", views.FillViewSet, basename="fill")
router.register("bundles", bundles.BundleViewSet, basename="bundle")
router.register("session-rounds", bundles.SessionRoundViewSet, basename="session-round")
router.register("ledger", views.LedgerViewSet, basename="ledger")

urlpatterns: list[URLPattern | URLResolver] = [
    path("holdings/", views.HoldingsView.as_view(), name="holdings"),
    path("me/", views.MeView.as_view(), name="me"),
    path("tokens/", token_pages.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_pages.token_revoke, name="token-revoke"),
    *router.urls,
]
