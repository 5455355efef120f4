"""Browser pages where a user creates (secret shown once) and revokes their own API tokens."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import roles
from ..errors import MarketError
from ..models import ApiToken, Scope
from ..selectors.api import tokens_of
from ..services import tokens as token_services


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("What it is for, e.g. 'pricing bot'."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
    )

    def __init__(self, *args: Any, allowed: tuple[str, ...] = (), **kwargs: Any) -> None:
        """Only the scopes a token of this user could ever use are offered (the page draws
        those); one posted anyway reaches the service, which says why it is refused."""
        super().__init__(*args, **kwargs)
        self.offered = allowed or tuple(Scope.values)
        self.fields["scopes"].initial = [self.offered[0]]


def scopes_for(user: Any) -> tuple[str, ...]:
    """A platform account meters only; a trader reads and trades; everyone else reads."""
    if roles.is_platform(user):
        return (Scope.METER,)
    membership = roles.membership_of(user)
    if membership is not None and membership.can_trade:
        return (Scope.READ, Scope.TRADE)
    return (Scope.READ,)


def _create(request: HttpRequest, form: TokenForm) -> token_services.IssuedToken | None:
    if not form.is_valid():
        return None
    try:
        return token_services.token_create(
            user=request.user, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"]
        )
    except MarketError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens; on POST create one and show its secret on this response only."""
    membership = roles.membership_of(request.user)
    allowed = scopes_for(request.user)
    can_trade = Scope.TRADE in allowed
    form = TokenForm(request.POST if request.method == "POST" else None, allowed=allowed)
    issued = _create(request, form) if request.method == "POST" else None
    if issued is not None:
        form = TokenForm(allowed=allowed)
    context = {
        "form": form,
        "issued": issued,
        "tokens": tokens_of(request.user),
        "can_trade": can_trade,
        "member": membership is not None,
        "platform": Scope.METER in allowed,
        "api_base": request.build_absolute_uri("/api/"),
    }
    status = 400 if request.method == "POST" and issued is None else 200
    response = render(request, "api/tokens.html", context, status=status)
    patch_cache_control(response, no_store=True)  # the page may carry a secret
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token_services.token_revoke(token_id=token.pk, by=request.user)
    messages.success(
        request,
        _("Revoked “%(name)s” (%(prefix)s…): it no longer works.")
        % {"name": token.name, "prefix": token.prefix},
    )
    return redirect("api-tokens")
