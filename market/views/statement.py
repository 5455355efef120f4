"""The ledger statement: filters, running balances, pages, and the same rows as CSV."""

import csv
from collections.abc import Iterator
from typing import Any, cast

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from divisions.models import Division
from ledger.models import Asset
from tokenhub.formatting import zone_label

from ..forms import StatementForm
from ..selectors.statement import Statement, StatementFilter
from .access import page, viewed_division

PER_PAGE = 50


def _filters(form: StatementForm, division: Division) -> StatementFilter | None:
    data = form.cleaned_data if form.is_valid() else {}
    asset = data.get("asset") or form.fields["asset"].queryset.first()  # type: ignore[attr-defined]
    if asset is None:
        return None
    return StatementFilter(
        asset=asset,
        reason=data.get("reason", ""),
        since=data.get("since"),
        until=data.get("until"),
    )


@page
def ledger(request: HttpRequest) -> HttpResponseBase:
    division = viewed_division(request)
    if division is None:
        return render(request, "market/ledger.html", {"division": None, "divisions": _picker()})
    form = StatementForm(request.GET or None, division=division)
    filters = _filters(form, division)
    statement = Statement(division=division, filters=filters) if filters else None
    if statement is not None and request.GET.get("format") == "csv":
        return _csv(statement, division, statement.filters.asset)
    rows = None
    if statement is not None:
        rows = Paginator(cast(Any, statement), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "division": division,
        "form": form,
        "filters": filters,
        "page": rows,
        "query": query.urlencode(),
        "zone": zone_label(timezone.localtime()),
    }
    return render(request, "market/ledger.html", context)


def _picker() -> Any:
    return Division.objects.order_by("name")


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(statement: Statement, division: Division, asset: Asset) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(
            [
                "transaction",
                "time",
                "reason",
                "memo",
                "reference",
                "asset",
                "available_change",
                "held_change",
                "available_balance",
                "held_balance",
            ]
        )
        for row in statement.rows():
            txn = row.txn
            yield writer.writerow(
                [
                    txn.public_id,  # not the sequential pk: it would count others' activity
                    txn.created_at.isoformat(),
                    txn.reason,
                    _cell(txn.memo),
                    row.reference_label,
                    asset.code,
                    row.available_change,
                    row.held_change,
                    row.available_balance,
                    row.held_balance,
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"tokenhub-{division.slug}-{asset.code}-statement.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
