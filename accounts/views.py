"""The language switch in the header and the preferences page; both thin over services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import services
from .forms import PreferenceForm
from .selectors import preference_for, remember_in_session


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie, safe redirect), remembered for a signed-in person too."""
    response = django_set_language(request)
    code = request.POST.get("language", "")
    if request.user.is_authenticated and translation.check_for_language(code):
        language = translation.get_supported_language_variant(code)
        preference = services.preferences_set(user=request.user, language=language)
        remember_in_session(request, preference)
    return response


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = preference_for(request.user)
    form = PreferenceForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = services.preferences_set(
            user=request.user,
            language=form.cleaned_data["language"],
            time_zone=form.cleaned_data["time_zone"],
            email_notifications=form.cleaned_data["email_notifications"],
        )
        remember_in_session(request, saved)
        translation.activate(saved.language or translation.get_language_from_request(request))
        messages.success(request, _("Preferences saved."))
        return redirect("preferences")
    return render(request, "accounts/preferences.html", {"form": form})
