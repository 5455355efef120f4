"""Management sets and removes its oversight rules (position limits, guaranteed minimums,
health alerts); each change is checked here and audited (django-auditlog)."""

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from market.errors import MarketError
from tokenhub.formatting import join_sentences

from ..access import require_management
from ..models import PositionLimit

Rule = TypeVar("Rule", bound=models.Model)


@transaction.atomic
def rule_save(*, user: Any, rule: Rule) -> Rule:
    """Create or change one of management's rules, validated, with who set it; it applies to
    what happens from now on (orders placed or grown, rounds cleared or settled)."""
    require_management(user)
    try:
        rule.full_clean()
    except ValidationError as error:
        raise MarketError(join_sentences(error.messages)) from None
    rule.set_by = user  # type: ignore[attr-defined]
    rule.save()
    return rule


@transaction.atomic
def rule_remove(*, user: Any, rule: models.Model) -> None:
    """Remove one of management's rules; what it did (deliveries, raised alerts) stays."""
    require_management(user)
    rule.delete()


def position_limit_save(*, user: Any, limit: PositionLimit) -> PositionLimit:
    """Create or change a limit; it applies to orders placed or grown from now on."""
    return rule_save(user=user, rule=limit)


def position_limit_remove(*, user: Any, limit: PositionLimit) -> None:
    rule_remove(user=user, rule=limit)
