"""The feed and webhook routes; tokenhub/api_urls.py composes them with the other apps'."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("webhooks", views.SubscriptionViewSet, basename="webhook")

urlpatterns: list[URLPattern | URLResolver] = [
    path("events/", views.EventFeedView.as_view(), name="events"),
    *router.urls,
]
