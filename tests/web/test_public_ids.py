"""Orders and fills are shown by opaque public ids: database ids are one global sequence, so a
lead watching its own ids would count other divisions' orders placed in between (issue #11)."""

import re
from decimal import Decimal

from rest_framework.test import APIClient

from market.ids import ALPHABET, LENGTH
from market.models import Fill
from tests import factories
from tests.factories import ask, bid

OPAQUE = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def test_pages_api_and_csv_show_public_ids_never_database_ids(client, buyer, seller, round_):
    # given: our bid, another division's ask in between, our second bid
    first = bid(buyer, round_, 2, "3.00")
    ask(seller, round_, 2, "2.00")
    second = bid(buyer, round_, 1, "1.00")
    assert second.pk == first.pk + 2  # the database sequence would tell
    assert OPAQUE.fullmatch(first.public_id)
    assert OPAQUE.fullmatch(second.public_id)
    factories.close_and_finish(round_)
    fill = Fill.objects.get(order=first)
    client.force_login(buyer)
    # pages: the order is found by its public id only
    assert client.get(f"/orders/{first.pk}/").status_code == 404
    page = client.get(f"/orders/{first.public_id}/").content.decode()
    assert first.public_id in page
    assert f"?fill={fill.public_id}" in page
    assert f"#{first.pk}" not in page
    # the statement and its CSV name orders by public id
    ledger = client.get("/ledger/", {"asset": "credits"}).content.decode()
    assert f"Order {first.public_id}" in ledger
    assert f"order #{first.pk}" not in ledger.lower()
    csv = b"".join(client.get("/ledger/", {"asset": "credits", "format": "csv"})).decode()
    assert f"Order {first.public_id}" in csv
    assert f"order #{first.pk}" not in csv.lower()
    # the API too
    api = APIClient()
    api.force_login(buyer)
    ids = {o["id"] for o in api.get("/api/orders/").json()["results"]}
    assert ids == {first.public_id, second.public_id}
    fills = api.get("/api/fills/").json()["results"]
    assert [(f["id"], f["order"]) for f in fills] == [(fill.public_id, first.public_id)]
    assert api.get(f"/api/orders/{first.pk}/").status_code == 404
    entries = api.get("/api/ledger/").json()["results"]
    assert f"order:{first.public_id}" in {e["reference"] for e in entries}
    assert Decimal(api.get(f"/api/orders/{first.public_id}/").json()["limit"]) == Decimal("3")
