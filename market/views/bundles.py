"""Bundle pages: the division's bundles and open session rounds, placing a bundle with
several legs, its legs, state and outcome (why it was not accepted), changing and cancelling.
Rights are checked on the server for every request (and again inside the services)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..errors import MarketError, NotAllowed
from ..forms_bundles import BundleForm
from ..models import Bundle, Round, SessionRound
from ..selectors import bundles as selectors
from ..services import bundles as services
from .access import Refused, page, trading_division, viewed_division


def _rounds_of(session_round: SessionRound) -> list[Round]:
    return list(
        session_round.market_rounds.select_related(
            "market__asset", "market__window__series"
        ).order_by("market__name")
    )


def _own_bundle(request: HttpRequest, bundle_id: str) -> Bundle:
    division = viewed_division(request)
    if division is None:
        raise Refused(_("Bundles belong to a division; you are not a member of one."))
    found = (
        selectors.bundles_visible_to(request.user)
        .filter(division=division, public_id=bundle_id)
        .first()
    )
    if found is None:
        raise Http404(_("There is no bundle %(id)s of your division.") % {"id": bundle_id})
    return found


@page
def bundles(request: HttpRequest) -> HttpResponse:
    division = viewed_division(request)
    rows = []
    if division is not None:
        rows = list(selectors.bundles_visible_to(request.user).filter(division=division)[:100])
    context = {
        "division": division,
        "bundles": rows,
        "session_rounds": list(selectors.open_session_rounds()),
    }
    return render(request, "market/bundles.html", context)


def _save(
    request: HttpRequest, form: BundleForm, session_round: SessionRound, bundle: Bundle | None
) -> Bundle | None:
    try:
        if bundle is None:
            return services.bundle_place(
                user=request.user,
                session_round_id=session_round.pk,
                limit=form.cleaned_data["limit"],
                legs=form.cleaned_data["legs"],
            )
        return services.bundle_change(
            user=request.user,
            bundle_id=bundle.pk,
            limit=form.cleaned_data["limit"],
            legs=form.cleaned_data["legs"],
        )
    except NotAllowed as refusal:
        raise Refused(refusal.message) from None
    except MarketError as refusal:
        form.refuse(refusal)
        return None


@page
def bundle_place(request: HttpRequest, session_round_id: int) -> HttpResponse:
    trading_division(request)
    session_round = get_object_or_404(
        SessionRound.objects.select_related("session"), pk=session_round_id
    )
    rounds = _rounds_of(session_round)
    form = BundleForm(request.POST or None, rounds=rounds)
    if request.method == "POST" and form.is_valid():
        bundle = _save(request, form, session_round, None)
        if bundle is not None:
            messages.success(
                request,
                ngettext(
                    "Bundle %(id)s placed with %(legs)s leg.",
                    "Bundle %(id)s placed with %(legs)s legs.",
                    len(form.cleaned_data["legs"]),
                )
                % {"id": bundle.public_id, "legs": len(form.cleaned_data["legs"])},
            )
            return redirect("bundle", bundle.public_id)
    context = {"form": form, "session_round": session_round, "rounds": rounds}
    return render(request, "market/bundle_place.html", context)


@page
def bundle_change(request: HttpRequest, bundle_id: str) -> HttpResponse:
    trading_division(request)
    bundle = _own_bundle(request, bundle_id)
    rounds = _rounds_of(bundle.session_round)
    form = BundleForm.for_bundle(bundle, request.POST or None, rounds)
    if request.method == "POST" and form.is_valid():
        changed = _save(request, form, bundle.session_round, bundle)
        if changed is not None:
            messages.success(request, _("Bundle %(id)s changed.") % {"id": bundle.public_id})
            return redirect("bundle", bundle.public_id)
    context = {
        "form": form,
        "session_round": bundle.session_round,
        "rounds": rounds,
        "bundle": bundle,
    }
    return render(request, "market/bundle_place.html", context)


@page
def bundle_detail(request: HttpRequest, bundle_id: str) -> HttpResponse:
    bundle = _own_bundle(request, bundle_id)
    context = {
        "bundle": bundle,
        "legs": list(bundle.legs.all()),
        "explanation": selectors.bundle_explanation(bundle),
        "session_round": bundle.session_round,
    }
    return render(request, "market/bundle.html", context)


@page
def bundle_cancel(request: HttpRequest, bundle_id: str) -> HttpResponse:
    trading_division(request)
    bundle = _own_bundle(request, bundle_id)
    error = ""
    if request.method == "POST":
        try:
            services.bundle_cancel(user=request.user, bundle_id=bundle.pk)
        except NotAllowed as refusal:
            raise Refused(refusal.message) from None
        except MarketError as refusal:
            error = refusal.message
        else:
            messages.success(
                request,
                _("Bundle %(id)s cancelled; its escrow is released.") % {"id": bundle.public_id},
            )
            return redirect(reverse("bundle", args=[bundle.public_id]))
    context = {"bundle": bundle, "legs": list(bundle.legs.all()), "error": error}
    return render(request, "market/bundle_cancel.html", context, status=409 if error else 200)
