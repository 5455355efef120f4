"""API tokens: shown once and stored hashed, scoped, revocable by their owner and by management."""

import pytest
from django.urls import reverse

from market.errors import MarketError, NotAllowed
from market.models import ApiToken
from market.services import tokens
from tests import factories
from tests.api.conftest import token_client


def test_a_token_is_shown_once_and_only_its_hash_is_stored(client, lead):
    # given
    client.force_login(lead)
    # when
    response = client.post(reverse("api-tokens"), {"name": "pricing bot", "scopes": ["read"]})
    # then
    secret = response.context["issued"].secret
    assert response.status_code == 200
    assert secret.startswith("thk_")
    assert "only once" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    assert secret not in (token.key_hash, token.prefix)
    assert token.key_hash == tokens.token_hash(secret)
    listing = client.get(reverse("api-tokens")).content.decode()
    assert secret not in listing
    assert f"thk_{token.prefix}…" in listing


def test_the_token_works_as_its_user(book, lead):
    response = token_client(lead, scopes=["read"]).get("/api/me/")
    assert response.status_code == 200
    assert response.json()["username"] == lead.username
    assert response.json()["token"]["scopes"] == ["read"]


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_both_header_keywords_are_accepted(api, lead, keyword):
    secret = tokens.token_create(user=lead, name="bot", scopes=["read"]).secret
    response = api.get("/api/me/", HTTP_AUTHORIZATION=f"{keyword} {secret}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer thk_0123456789ab_nope", "That token is not valid."),
        ("Bearer something-else", "That token is not valid."),
        ("Bearer", "Send the token as 'Authorization: Bearer <token>', with no spaces in it."),
        ("Bearer a b", "Send the token as 'Authorization: Bearer <token>', with no spaces in it."),
    ],
)
def test_a_bad_token_is_a_401_that_says_why(api, db, header, message):
    response = api.get("/api/markets/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["detail"] == message


def test_a_read_token_cannot_trade(book, lead):
    client = token_client(lead, scopes=["read"])
    placed = {"round": book.current.pk, "side": "buy", "quantity": 1, "limit": "1.00"}
    response = client.post("/api/orders/", placed, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"
    assert "lacks the 'trade' scope" in response.json()["detail"]
    assert client.post(f"/api/orders/{book.order.public_id}/cancel/").status_code == 403
    assert client.get("/api/orders/").status_code == 200


def test_a_trade_only_token_cannot_read(book, lead):
    client = token_client(lead, scopes=["trade"])
    response = client.get("/api/orders/")
    assert response.status_code == 403
    assert "lacks the 'read' scope" in response.json()["detail"]
    placed = {"round": book.current.pk, "side": "buy", "quantity": 1, "limit": "1.00"}
    assert client.post("/api/orders/", placed, format="json").status_code == 201


def test_a_member_without_trade_rights_gets_no_trade_token(member):
    with pytest.raises(NotAllowed, match="Only a division lead, or a member granted trade rights"):
        tokens.token_create(user=member, name="bot", scopes=["read", "trade"])
    assert tokens.token_create(user=member, name="bot", scopes=["read"]).token.scopes == "read"


def test_the_page_refuses_a_trade_token_to_a_member_without_rights(client, member):
    client.force_login(member)
    response = client.post(reverse("api-tokens"), {"name": "bot", "scopes": ["read", "trade"]})
    assert response.status_code == 400
    assert "Only a division lead, or a member granted trade rights" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_token_keeps_its_users_role(book, division, member):
    # given: a member granted trade rights makes a trade token, then loses the rights
    trusted = factories.member_of(division, may_trade=True)
    client = token_client(trusted)
    trusted.membership.may_trade = False
    trusted.membership.save()
    # when
    placed = {"round": book.current.pk, "side": "buy", "quantity": 1, "limit": "1.00"}
    response = client.post("/api/orders/", placed, format="json")
    # then
    assert response.status_code == 403
    assert "without trade rights" in response.json()["detail"]


def test_a_revoked_token_stops_working_at_once(client, book, lead):
    issued = tokens.token_create(user=lead, name="bot", scopes=["read"])
    client.force_login(lead)
    response = client.post(reverse("api:token-revoke", args=[issued.token.pk]), follow=True)
    assert "no longer works" in response.content.decode()
    api = token_client(lead)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    response = api.get("/api/markets/")
    assert response.status_code == 401
    assert response.json()["detail"] == "That token was revoked; create a new one."


def test_nobody_revokes_someone_elses_token_from_the_browser(client, lead, other_lead):
    issued = tokens.token_create(user=lead, name="bot", scopes=["read"])
    client.force_login(other_lead)
    response = client.post(reverse("api:token-revoke", args=[issued.token.pk]))
    assert response.status_code == 404
    with pytest.raises(NotAllowed, match="only revoke your own tokens"):
        tokens.token_revoke(token_id=issued.token.pk, by=other_lead)
    assert ApiToken.objects.get().revoked_at is None


def test_management_revokes_any_token_in_admin(client, book, lead, management):
    issued = tokens.token_create(user=lead, name="rogue bot", scopes=["read", "trade"])
    client.force_login(management)
    url = reverse("admin:market_apitoken_changelist")
    assert "rogue bot" in client.get(url).content.decode()
    client.post(url, {"action": "revoke", "_selected_action": [issued.token.pk]})
    token = ApiToken.objects.get()
    assert token.revoked_by == management
    api = token_client(lead)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert api.get("/api/me/").status_code == 401


def test_an_auditor_sees_tokens_in_admin_but_cannot_revoke(client, lead, auditor):
    issued = tokens.token_create(user=lead, name="bot", scopes=["read"])
    client.force_login(auditor)
    url = reverse("admin:market_apitoken_changelist")
    page = client.get(url)
    assert page.status_code == 200
    assert "Revoke selected tokens" not in page.content.decode()
    client.post(url, {"action": "revoke", "_selected_action": [issued.token.pk]})
    assert ApiToken.objects.get().revoked_at is None


def test_the_navigation_links_to_the_token_page(client, lead):
    client.force_login(lead)
    page = client.get(reverse("api-tokens")).content.decode()
    assert f'href="{reverse("api-tokens")}">API tokens</a>' in page


def test_a_token_records_when_it_was_last_used(book, lead):
    client = token_client(lead, scopes=["read"])
    assert ApiToken.objects.get().last_used_at is None
    client.get("/api/me/")
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_needs_a_name_and_a_known_scope(lead):
    with pytest.raises(MarketError, match="Give the token a name"):
        tokens.token_create(user=lead, name="  ", scopes=["read"])
    with pytest.raises(MarketError, match="Unknown scope"):
        tokens.token_create(user=lead, name="bot", scopes=["admin"])


def test_idempotency_keys_are_forgotten_after_a_week(lead):
    from datetime import timedelta

    from django.utils import timezone

    from market.models import IdempotencyRecord

    # given: one fresh key and one from eight days ago
    IdempotencyRecord.objects.create(user=lead, key="new", fingerprint="f", status=201, body={})
    old = IdempotencyRecord.objects.create(
        user=lead, key="old", fingerprint="f", status=201, body={}
    )
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=8)
    )
    # when / then: pruning drops only the old one, and a repeat drops nothing
    assert tokens.idempotency_records_prune() == 1
    assert tokens.idempotency_records_prune() == 0
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
