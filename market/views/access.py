"""Who may see and do what on the browser pages, checked on the server for every request."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from divisions.models import Division

from .. import roles


class Refused(Exception):
    """A request the user may not make; the view answers 403 with this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_htmx(request: HttpRequest) -> bool:
    """True for a request htmx made (django-htmx's middleware sets ``request.htmx``)."""
    return bool(getattr(request, "htmx", False))


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "market/forbidden.html", {"message": message}, status=403)


def viewed_division(request: HttpRequest) -> Division | None:
    """The division whose pages these are: the user's own; management and auditors pick one
    with ``?division=<slug>``. Asking for another division's pages as a member is refused."""
    wanted = request.GET.get("division", "")
    own = roles.division_of(request.user)
    if own is not None:
        if wanted and wanted != own.slug:
            raise Refused(_("You can see only your own division's orders and ledger."))
        return own
    if wanted and roles.sees_everything(request.user):
        division = Division.objects.filter(slug=wanted).first()
        if division is None:
            raise Http404(
                _("There is no division “%(slug)s”: pick one from the list.") % {"slug": wanted}
            )
        return division
    if wanted:
        raise Refused(_("Only management and auditors can see other divisions."))
    return None


def trading_division(request: HttpRequest) -> Division:
    """The division the user trades for; refused for members without trade rights and staff."""
    membership = roles.membership_of(request.user)
    if membership is None:
        raise Refused(_("Only a division's lead (or a member with trade rights) places orders."))
    if not membership.can_trade:
        raise Refused(
            _(
                "You are a member of %(division)s without trade rights: you can see its "
                "orders but not place, change or cancel them. Ask your lead for trade rights."
            )
            % {"division": membership.division}
        )
    return membership.division


def page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A signed-in page whose refusals (``Refused``) answer 403 with their message."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except Refused as refusal:
            return forbidden(request, refusal.message)

    return login_required(checked)
