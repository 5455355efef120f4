"""The inbox page, and marking notifications read."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    lines = selectors.inbox(user=request.user)
    return render(request, "notifications/inbox.html", {"lines": lines})


@login_required
@require_POST
def read(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("notification", "")
    one = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None
    services.notifications_read(user=request.user, notification_id=one)
    return redirect("notifications:inbox")
