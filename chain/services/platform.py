"""Platform accounts: management creates the metering service's account and its meter token."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from market import roles
from market.errors import MarketError, NotAllowed
from market.models import Scope
from market.services import tokens


@transaction.atomic
def platform_account_create(*, by: Any, username: str) -> tokens.IssuedToken:
    """A user in the platform group (no password, no division) and a `meter` token for it;
    the token's secret is returned once."""
    if not roles.is_management(by):
        raise NotAllowed(_("Only management grants the platform role."))
    username = (username or "").strip()
    User = get_user_model()
    if not username or User.objects.filter(username=username).exists():
        raise MarketError(_("Choose a new user name."), field="username")
    user = User.objects.create(username=username)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    roles.ensure_role_groups()
    user.groups.add(Group.objects.get(name=roles.PLATFORM))
    return tokens.token_create(user=user, name=_("metering"), scopes=[Scope.METER])
