"""Arbitration's API routes; tokenhub/api_urls.py composes them with the other apps'."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from . import disputes

router = SimpleRouter()
router.register("disputes", disputes.DisputeViewSet, basename="dispute")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
