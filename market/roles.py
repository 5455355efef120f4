"""Who may do what (SPEC §2): division leads and members, management, auditors.

Management and auditors are Django groups; a division role is a Membership. The groups' admin
permissions are kept in step with this file after every migrate.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.utils.translation import gettext as _

from divisions.models import Division

from .errors import NotAllowed
from .models import Membership

MANAGEMENT = "management"
AUDITOR = "auditor"
DEMO_AGENTS = "demo agents"  # automated demo traders, one per division; no admin powers
PLATFORM = "platform"  # the metering service's accounts: report usage, nothing else

# Models management may add/change in admin. The ledger is not here: grants and mints post
# transactions through services, never by editing rows.
MANAGED_MODELS = {
    ("divisions", "division"),
    ("market", "membership"),
    ("ledger", "asset"),
    ("market", "market"),
    ("market", "session"),
    ("market", "round"),
    ("django_celery_beat", "periodictask"),
    ("django_celery_beat", "intervalschedule"),
    ("django_celery_beat", "crontabschedule"),
    ("arbitration", "dispute"),
    ("chain", "series"),
    ("chain", "window"),
    ("chain", "currencyrate"),
    ("chain", "sharingrule"),
    ("chain", "revenuetarget"),
    ("chain", "revenuerecord"),
    ("chain", "platformaccount"),
    ("oversight", "positionlimit"),
    ("oversight", "guarantee"),
    ("oversight", "healthalert"),
}
MANAGEMENT_EXTRA = {
    ("ledger", "grant_credits"),
    ("ledger", "mint_units"),
    ("ledger", "reconciliation_alerts"),
    ("oversight", "delete_positionlimit"),
    ("oversight", "delete_guarantee"),
    ("oversight", "delete_healthalert"),
}

User = AbstractBaseUser | AnonymousUser


def ensure_role_groups(**kwargs: Any) -> None:
    """Create the management and auditor groups with exactly their powers; idempotent."""
    views = Permission.objects.filter(codename__startswith="view_")
    auditor, _ = Group.objects.get_or_create(name=AUDITOR)
    auditor.permissions.set(views)
    management, _ = Group.objects.get_or_create(name=MANAGEMENT)
    managed = [
        p
        for p in Permission.objects.select_related("content_type")
        if (p.content_type.app_label, p.content_type.model) in MANAGED_MODELS
        and not p.codename.startswith("delete_")
        or (p.content_type.app_label, p.codename) in MANAGEMENT_EXTRA
    ]
    management.permissions.set([*views, *managed])
    platform, _ = Group.objects.get_or_create(name=PLATFORM)
    platform.permissions.clear()


def _in_group(user: Any, name: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cache = getattr(user, "_tokenhub_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._tokenhub_groups = cache
    return name in cache


def is_management(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or _in_group(user, MANAGEMENT)


def is_auditor(user: Any) -> bool:
    return _in_group(user, AUDITOR)


def is_platform(user: Any) -> bool:
    return _in_group(user, PLATFORM)


def is_demo_agent(user: Any) -> bool:
    """The demo's automated trader of a division, never a person."""
    return _in_group(user, DEMO_AGENTS)


def sees_everything(user: Any) -> bool:
    return is_management(user) or is_auditor(user)


def membership_of(user: Any) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if hasattr(user, "_tokenhub_membership"):
        cached: Membership | None = user._tokenhub_membership
        return cached
    membership = Membership.objects.select_related("division").filter(user=user).first()
    user._tokenhub_membership = membership
    return membership


def division_of(user: Any) -> Division | None:
    membership = membership_of(user)
    return membership.division if membership else None


def event_audience(user: Any) -> tuple[int | None, bool, bool, bool]:
    """The events app's hook (settings.EVENTS_AUDIENCE): the user's division, whether they
    see every division, whether they may change its webhooks (its lead), and whether they
    are management (who may end any webhook)."""
    membership = membership_of(user)
    division_id = membership.division_id if membership else None
    lead = bool(membership and membership.role == Membership.Role.LEAD)
    return division_id, sees_everything(user), lead, is_management(user)


def can_see_division(user: Any, division_id: int) -> bool:
    if sees_everything(user):
        return True
    membership = membership_of(user)
    return membership is not None and membership.division_id == division_id


def can_trade_for(user: Any, division_id: int) -> bool:
    """Only a division's own lead (or a member granted trade rights) places its orders."""
    membership = membership_of(user)
    return membership is not None and membership.division_id == division_id and membership.can_trade


def require_management(user: Any, *, system_ok: bool = False) -> None:
    """Refuse a market-changing service to anyone but management (auditors only read).

    `system_ok` lets the product itself (seeding, tests' set-up, beat) act with no user at all.
    """
    if user is None and system_ok:
        return
    if not is_management(user):
        raise NotAllowed(_("Only management may do this; auditors and divisions cannot."))
