"""Management sets and removes position limits; each change is audited (django-auditlog)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from market.errors import MarketError

from ..access import require_management
from ..models import PositionLimit


@transaction.atomic
def position_limit_save(*, user: Any, limit: PositionLimit) -> PositionLimit:
    """Create or change a limit; it applies to orders placed or grown from now on."""
    require_management(user)
    try:
        limit.full_clean()
    except ValidationError as error:
        raise MarketError(" ".join(error.messages)) from None
    limit.set_by = user
    limit.save()
    return limit


@transaction.atomic
def position_limit_remove(*, user: Any, limit: PositionLimit) -> None:
    require_management(user)
    limit.delete()


@transaction.atomic
def rule_save(*, user: Any, rule: Any) -> Any:
    """Save another of management's oversight settings (a health alert), checked and audited."""
    require_management(user)
    try:
        rule.full_clean()
    except ValidationError as error:
        raise MarketError(" ".join(error.messages)) from None
    rule.set_by = user
    rule.save()
    return rule


@transaction.atomic
def rule_remove(*, user: Any, rule: Any) -> None:
    require_management(user)
    rule.delete()
