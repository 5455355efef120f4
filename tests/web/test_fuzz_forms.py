"""Arbitrary text in every browser form field and query parameter never gives a 5xx.

The API has schemathesis (tests/api/test_schemathesis.py); this is the browser's counterpart.
Each page is fetched, its forms are read from the HTML (so a new field is fuzzed without
touching this file), and Hypothesis sends odd values: any Unicode text, numbers in other
scripts, huge and exotic numbers, NUL characters, far dates. Derandomised: every run sends the
same requests.
"""

from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from market.models import Fill
from tests import factories
from tests.api.conftest import file_dispute, next_round_open
from tests.factories import ask, bid

EXAMPLES_PER_TARGET = 10
# Query parameters any page might read, besides its forms' fields.
QUERY = ["division", "page", "state", "market", "asset", "reason", "since", "until", "format"]
QUERY += ["side", "order", "round", "fill", "quantity", "limit", "next"]
SKIP_ACTIONS = {"/logout/"}  # would end the session the rest of the run needs

ODD = st.sampled_from(
    ["²", "١٢", "１２", "٣.٥", "1e400", "NaN", "-0", "9" * 40, "\x00", "9999-12-31", "0001-01-01"]
    + ["-1", "0", "2.005", "12.5", " ", "%", "../", "<script>", "{}", "[]", "∞", "0x10"]
)
VALUES = st.one_of(
    st.text(max_size=30),
    ODD,
    ODD,
    st.from_regex(r"-?[0-9]{0,25}(\.[0-9]{0,5})?", fullmatch=True),
)


@dataclass(frozen=True)
class Target:
    method: str
    url: str
    fields: tuple[str, ...]


class _Forms(HTMLParser):
    """Every <form>'s method, action and field names on a page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.forms: list[Target] = []
        self._current: dict[str, Any] | None = None
        self.page = page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            action = found.get("action") or found.get("hx-post") or self.page
            method = (found.get("method") or "get").upper()
            self._current = {"method": method, "url": action, "fields": []}
        elif tag in ("input", "select", "textarea", "button") and self._current is not None:
            name = found.get("name")
            if name and name != "csrfmiddlewaretoken":
                self._current["fields"].append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._current is not None:
            current, self._current = self._current, None
            fields = tuple(dict.fromkeys(current["fields"]))
            self.forms.append(Target(current["method"], current["url"], fields))


def _targets(client, pages: list[str]) -> list[Target]:
    targets: dict[tuple[str, str], Target] = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code < 500, page
        path = page.split("?")[0]
        targets[("GET", page)] = Target("GET", page, tuple(QUERY))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms(path)
        parser.feed(response.content.decode())
        for form in parser.forms:
            if form.url.split("?")[0] in SKIP_ACTIONS or form.url.startswith("http"):
                continue
            key = (form.method, form.url)
            known = targets.get(key)
            fields = tuple(dict.fromkeys((*(known.fields if known else ()), *form.fields)))
            targets[key] = Target(form.method, form.url, fields)
    return list(targets.values())


@pytest.fixture
def world(db, division, other_division, lead, other_lead, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    market = factories.MarketFactory()
    factories.funded(division, Decimal("1000.00"))
    factories.stocked(other_division, market.asset, 100)
    settled = factories.open_round(market)
    bought = bid(lead, settled, 10, "3.00")
    ask(other_lead, settled, 10, "2.00")
    factories.close_and_finish(settled)
    current = next_round_open(market)
    order = bid(lead, current, 5, "2.50")
    fill = Fill.objects.get(order=bought)
    dispute = file_dispute(lead, fill)
    return [
        "/",
        "/dashboard/",
        "/markets/",
        f"/markets/{market.slug}/",
        f"/rounds/{settled.pk}/",
        f"/rounds/{current.pk}/",
        f"/rounds/{current.pk}/orders/new/",
        f"/rounds/{current.pk}/orders/preview/",
        "/orders/",
        f"/orders/{order.public_id}/",
        f"/orders/{order.public_id}/change/",
        f"/orders/{order.public_id}/cancel/",
        "/ledger/",
        "/disputes/",
        f"/disputes/file/?round={settled.pk}",
        f"/disputes/file/?fill={fill.public_id}",
        f"/disputes/{dispute.pk}/",
        "/account/preferences/",
        "/api/tokens/",
    ]


def _server_errors(client, target: Target) -> list[str]:
    found: list[str] = []

    @given(values=st.fixed_dictionaries({field: VALUES for field in target.fields}))
    @settings(
        max_examples=EXAMPLES_PER_TARGET,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def send(values: dict[str, str]) -> None:
        if target.method == "GET":
            response = client.get(target.url.split("?")[0], values)
        else:
            response = client.post(target.url, values)
        if response.status_code >= 500:
            found.append(f"{target.method} {target.url} {values!r} → {response.status_code}")

    if target.fields:
        send()
    return found


@pytest.mark.parametrize("role", ["lead", "management"])
def test_no_form_field_or_query_parameter_gives_a_server_error(request, world, role):
    user = request.getfixturevalue(role)
    client = request.getfixturevalue("client")
    client.raise_request_exception = False
    client.force_login(user)
    targets = _targets(client, world)
    forms = sum(t.method == "POST" for t in targets)
    assert forms >= {"lead": 8, "management": 1}[role], targets  # the forms were found
    failures = [failure for target in targets for failure in _server_errors(client, target)]
    assert not failures, "\n".join(failures[:40])
