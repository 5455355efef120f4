from django.contrib import admin
from django.urls import include, path

from market.api import token_pages

from .health import health

admin.site.site_header = "Tokenhub management"
admin.site.site_title = "Tokenhub management"

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/tokens/", token_pages.tokens, name="api-tokens"),
    path("api/", include("tokenhub.api_urls")),
    path("disputes/", include("arbitration.urls")),
    path("", include("market.urls")),
]
