"""Refuse NUL characters in query strings and form posts, before any view sees them.

PostgreSQL text cannot hold NUL, so a "\\x00" that reaches a query (a division slug, an order
id, a username) fails inside the database driver: a 500. Forms' fields refuse it already;
this closes it for every query parameter and form field at once with a 400.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)


class RejectNulCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        posted = request.method == "POST" and request.content_type in FORM_TYPES
        if _has_nul(request.GET) or (posted and _has_nul(request.POST)):
            message = _("The request contains a NUL character (\\0), which no field accepts.")
            if request.path.startswith("/api/"):
                body = {"detail": message, "code": "invalid", "errors": {}}
                return JsonResponse(body, status=400)
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)
