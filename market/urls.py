from django.contrib.auth import views as auth_views
from django.urls import path, register_converter
from django.views.i18n import JavaScriptCatalog

from .ids import PATTERN
from .views import bundles, live, markets, orders, pages, rounds, statement


class PublicIdConverter:
    """An order's or fill's opaque public id (market.ids); anything else is a 404."""

    regex = PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PublicIdConverter, "public_id")

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("dashboard/", pages.dashboard, name="dashboard"),
    path("markets/", markets.markets, name="markets"),
    path("markets/<slug:slug>/", markets.market, name="market"),
    path("rounds/<int:round_id>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/orders/new/", orders.order_place, name="order_place"),
    path("rounds/<int:round_id>/orders/preview/", orders.order_preview, name="order_preview"),
    path("orders/", orders.orders, name="orders"),
    path("orders/<public_id:order_id>/", orders.order_detail, name="order"),
    path("orders/<public_id:order_id>/change/", orders.order_change, name="order_change"),
    path("orders/<public_id:order_id>/cancel/", orders.order_cancel, name="order_cancel"),
    path("bundles/", bundles.bundles, name="bundles"),
    path(
        "session-rounds/<int:session_round_id>/bundles/new/",
        bundles.bundle_place,
        name="bundle_place",
    ),
    path("bundles/<public_id:bundle_id>/", bundles.bundle_detail, name="bundle"),
    path("bundles/<public_id:bundle_id>/change/", bundles.bundle_change, name="bundle_change"),
    path("bundles/<public_id:bundle_id>/cancel/", bundles.bundle_cancel, name="bundle_cancel"),
    path("ledger/", statement.ledger, name="ledger"),
    path("live/", live.live, name="live"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]
