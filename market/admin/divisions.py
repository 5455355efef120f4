from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from divisions.models import Division
from ledger import services as ledger
from ledger.models import Asset
from tokenhub import formatting

from ..errors import MarketError
from ..fields import MoneyField, UnitsField
from ..models import Membership
from ..parsing import MAX_MINT


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class GrantForm(forms.Form):
    amount = MoneyField(
        label=gettext_lazy("Amount"),
        positive=True,
        help_text=gettext_lazy('Credits, e.g. "500.00".'),
    )
    memo = forms.CharField(label=gettext_lazy("Memo"), max_length=300, required=False)


class MintForm(forms.Form):
    asset = forms.ModelChoiceField(
        label=gettext_lazy("Asset"), queryset=Asset.objects.exclude(kind=Asset.Kind.CREDITS)
    )
    quantity = UnitsField(
        label=gettext_lazy("Quantity"), maximum=MAX_MINT, help_text=gettext_lazy("Whole units.")
    )
    memo = forms.CharField(label=gettext_lazy("Memo"), max_length=300, required=False)


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    change_form_template = "admin/divisions/division/change_form.html"

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:division_id>/grant/",
                self.admin_site.admin_view(self.grant_view),
                name="divisions_division_grant",
            ),
            path(
                "<int:division_id>/mint/",
                self.admin_site.admin_view(self.mint_view),
                name="divisions_division_mint",
            ),
        ]
        return own + super().get_urls()

    def grant_view(self, request: HttpRequest, division_id: int) -> HttpResponse:
        return self._ledger_form_view(
            request, division_id, GrantForm, "ledger.grant_credits", _("Grant credits")
        )

    def mint_view(self, request: HttpRequest, division_id: int) -> HttpResponse:
        return self._ledger_form_view(
            request, division_id, MintForm, "ledger.mint_units", _("Mint units")
        )

    def _ledger_form_view(
        self, request: HttpRequest, division_id: int, form_class: Any, perm: str, title: str
    ) -> HttpResponse:
        if not request.user.has_perm(perm):
            raise PermissionDenied
        division = get_object_or_404(Division, pk=division_id)
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                txn = self._post(form.cleaned_data, division, request.user)
            except MarketError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Posted ledger transaction #%(number)s: %(memo)s")
                    % {"number": txn.pk, "memo": txn.memo},
                )
                return HttpResponseRedirect(
                    reverse("admin:divisions_division_change", args=[division.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(action)s — %(division)s") % {"action": title, "division": division},
            "action": title,
            "form": form,
            "division": division,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/divisions/division/ledger_form.html", context)

    @staticmethod
    def _post(data: dict[str, Any], division: Division, user: Any) -> Any:
        if "asset" in data:
            memo = data["memo"] or _("Mint %(quantity)s %(unit)s") % {
                "quantity": formatting.units(data["quantity"]),
                "unit": data["asset"].unit,
            }
            return ledger.units_mint(
                division=division,
                asset=data["asset"],
                quantity=data["quantity"],
                by=user,
                memo=memo,
            )
        memo = data["memo"] or _("Budget grant of %(amount)s credits") % {
            "amount": formatting.money(data["amount"])
        }
        return ledger.credits_grant(division=division, amount=data["amount"], by=user, memo=memo)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "division", "role", "may_trade"]
    list_filter = ["division", "role", "may_trade"]
    search_fields = ["user__username", "division__name"]
    autocomplete_fields = ["user"]
