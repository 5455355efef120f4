"""API tokens (created by their owner, shown once, stored hashed) and idempotent order placement.

A token reads (`read`) and trades (`trade`) as its user: the user's role still decides what it
may see and do. Management revokes any token in admin; a user revokes their own in the browser.
"""

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import roles
from ..errors import MarketError, NotAllowed
from ..models import ApiToken, IdempotencyRecord, Scope
from . import placement_sql

SECRET_START = "thk_"  # noqa: S105 (a visible prefix, not a secret)
MAX_ACTIVE_TOKENS = 20
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is a hint, not an audit log: write it seldom


class IdempotencyKeyReused(MarketError):
    """The same Idempotency-Key came with a different request: refused, nothing placed."""

    code = "idempotency_key_reused"
    status = 422


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown to its owner once, never stored


def _clean_scopes(user: Any, scopes: Iterable[str]) -> str:
    wanted = sorted(set(scopes))
    if not wanted:
        raise MarketError(_("Choose at least one scope: read, trade, meter."), field="scopes")
    unknown = [scope for scope in wanted if scope not in Scope.values]
    if unknown:
        raise MarketError(
            _("Unknown scope(s): %(scopes)s.") % {"scopes": ", ".join(unknown)}, field="scopes"
        )
    if roles.is_platform(user) != (wanted == [Scope.METER]):
        raise NotAllowed(
            _(
                "A platform account's token has the meter scope and nothing else; only platform "
                "accounts may have it."
            ),
            field="scopes",
        )
    membership = roles.membership_of(user)
    if Scope.TRADE in wanted and (membership is None or not membership.can_trade):
        raise NotAllowed(
            _(
                "Only a division lead, or a member granted trade rights, may create a token with "
                "the trade scope."
            ),
            field="scopes",
        )
    return " ".join(wanted)


@transaction.atomic
def token_create(*, user: Any, name: str, scopes: Iterable[str]) -> IssuedToken:
    """Create a token for `user`; the secret is returned once and only its hash is kept."""
    name = (name or "").strip()
    if not name:
        raise MarketError(_("Give the token a name, e.g. 'pricing bot'."), field="name")
    if len(name) > 80:
        raise MarketError(_("Keep the name to 80 characters."), field="name")
    scope_text = _clean_scopes(user, scopes)
    # The user row serialises token creation, so the cap holds under concurrent requests.
    get_user_model().objects.select_for_update().get(pk=user.pk)
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise MarketError(
            _("You have %(count)s active tokens, the most allowed; revoke one first.")
            % {"count": active},
            field="name",
        )
    prefix = secrets.token_hex(6)
    secret = f"{SECRET_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, key_hash=token_hash(secret), scopes=scope_text
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, token_id: int, by: Any) -> ApiToken:
    """Revoke a token at once; its owner or management may. Revoking twice changes nothing."""
    try:
        token = ApiToken.objects.select_for_update().get(pk=token_id)
    except ApiToken.DoesNotExist:
        raise MarketError(_("There is no token %(token)s.") % {"token": token_id}) from None
    if token.user_id != by.pk and not roles.is_management(by):
        raise NotAllowed(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def token_touch(*, token: ApiToken) -> None:
    """Note that a token was used, at most once a minute per token (one UPDATE, no lock)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


@dataclass(frozen=True)
class Outcome:
    status: int
    body: Any
    replayed: bool


def _replay(user: Any, key: str, fingerprint: str) -> Outcome | None:
    record = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            _(
                "Idempotency-Key %(key)r was already used for a different request; "
                "send a new key for a new order."
            )
            % {"key": key},
            field="Idempotency-Key",
        )
    return Outcome(status=record.status, body=record.body, replayed=True)


def idempotent_run(
    *, user: Any, key: str, fingerprint: str, action: Callable[[], tuple[int, Any]]
) -> Outcome:
    """Run `action` at most once per (user, key) and replay its first response afterwards.

    The action's writes and the record commit in one transaction. A key seen before is found
    by the record's unique (user, key) constraint, not by a read first: a retry's insert hits
    it (after the first request commits, if that is still running), the retry's writes roll
    back and it returns the first response. First attempts, the common case, pay for no extra
    query; a retry pays for work it then undoes. Refusals (4xx) are kept and replayed too.
    """
    try:
        with transaction.atomic():
            status, body = action()
            if status < 500:
                record = IdempotencyRecord(
                    user=user,
                    key=key,
                    fingerprint=fingerprint,
                    status=status,
                    body=body,
                    created_at=timezone.now(),
                )
                placement_sql.idempotency_record_insert(record)
    except IntegrityError:
        first = _replay(user, key, fingerprint)
        if first is None:
            raise
        return first
    return Outcome(status=status, body=body, replayed=False)


KEEP_IDEMPOTENCY = timedelta(days=7)


def idempotency_records_prune(*, now: datetime | None = None) -> int:
    """Forget keys older than a week: a retry comes within minutes, the table must not grow forever.

    Idempotent: a repeat deletes nothing more. A key older than this places a new order.
    """
    cutoff = (now or timezone.now()) - KEEP_IDEMPOTENCY
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
