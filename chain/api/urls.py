from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("revenue", views.RevenueViewSet, basename="revenue")

urlpatterns: list[URLPattern | URLResolver] = [
    path("usage/", views.UsageView.as_view(), name="usage"),
    path("windows/", views.WindowsView.as_view(), name="windows"),
    *router.urls,
]
