"""The poll behind self-refreshing pages: 204 while nothing changed, a client event when it did."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_GET
from django_htmx.http import trigger_client_event

from ..selectors.live import live_stamp

CHANGED = "roundchanged"


@require_GET
@login_required
def live(request: HttpRequest) -> HttpResponse:
    stamp = live_stamp(scope=request.GET.get("scope", ""), key=request.GET.get("key", ""))
    if stamp is None:
        return HttpResponseBadRequest()
    if stamp == request.GET.get("stamp"):
        return HttpResponse(status=204)
    return trigger_client_event(HttpResponse(status=200), CHANGED)
