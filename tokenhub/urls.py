from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from market.api import token_pages

from .health import health

admin.site.site_header = _("Tokenhub management")
admin.site.site_title = _("Tokenhub management")
admin.site.index_title = _("Market administration")

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/tokens/", token_pages.tokens, name="api-tokens"),
    path("api/", include("tokenhub.api_urls")),
    path("", include("accounts.urls")),
    path("disputes/", include("arbitration.urls")),
    path("inbox/", include("notifications.urls")),
    path("chain/", include("chain.urls")),
    path("oversight/", include("oversight.urls")),
    path("", include("market.urls")),
]
