"""Who may use oversight: management and auditors read it all; only management changes rules."""

from typing import Any

from django.utils.translation import gettext as _

from market import roles
from market.errors import NotAllowed


def require_oversight(user: Any) -> None:
    """Replays and the health view show every division's orders: management and auditors only."""
    if not roles.sees_everything(user):
        raise NotAllowed(_("Only management and auditors can see this."))


def require_management(user: Any) -> None:
    if not roles.is_management(user):
        raise NotAllowed(_("Only management can change this; auditors read only."))
