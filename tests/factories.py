"""factory_boy factories, plus helpers that build state through the real services."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from divisions.models import Division
from ledger import services as ledger
from ledger.models import Asset
from market import roles
from market.models import Market, Membership
from market.services import orders, rounds

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division

    name = factory.Sequence(lambda n: f"Division {n}")
    slug = factory.Sequence(lambda n: f"division-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    division = factory.SubFactory(DivisionFactory)
    role = Membership.Role.MEMBER


class GpuAssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    code = factory.Sequence(lambda n: f"gpu-h100-pool{n}")
    name = factory.Sequence(lambda n: f"H100 GPU-hours, pool {n}")
    kind = Asset.Kind.GPU
    gpu_type = "H100"
    pool = "eu-west"
    delivery_start = factory.LazyFunction(lambda: _now())
    delivery_end = factory.LazyFunction(lambda: _now())


def _now():
    from django.utils import timezone

    return timezone.now()


def lead_of(division):
    return MembershipFactory(division=division, role=Membership.Role.LEAD).user


def member_of(division, *, may_trade=False):
    return MembershipFactory(division=division, may_trade=may_trade).user


def _group_user(name, **kwargs):
    roles.ensure_role_groups()
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=name))
    return user


def management_user():
    return _group_user(roles.MANAGEMENT)


def auditor_user():
    return _group_user(roles.AUDITOR)


def funded(division, credits=Decimal("1000.00"), by=None):
    ledger.credits_grant(division=division, amount=credits, by=by, memo="test budget")
    return division


def stocked(division, asset, units=100, by=None):
    ledger.units_mint(division=division, asset=asset, quantity=units, by=by, memo="test capacity")
    return division


class MarketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Market

    asset = factory.SubFactory(GpuAssetFactory)
    name = factory.Sequence(lambda n: f"H100 market {n}")
    slug = factory.Sequence(lambda n: f"h100-{n}")


def open_round(market=None, minutes=5):
    """A round open for orders now, created through the scheduling services."""
    market = market or MarketFactory()
    round_ = rounds.round_schedule_next(market_id=market.pk)
    assert rounds.round_open(round_id=round_.pk)
    round_.refresh_from_db()
    return round_


def close_and_finish(round_):
    """Close a round as if its time were up, then clear and settle it."""
    later = round_.closes_at + timedelta(seconds=1)
    rounds.round_close(round_id=round_.pk, now=later)
    state = rounds.round_finish(round_id=round_.pk)
    round_.refresh_from_db()
    return state


def bid(user, round_, quantity, limit):
    return orders.order_place(
        user=user, round_id=round_.pk, side="buy", quantity=quantity, limit=limit
    )


def ask(user, round_, quantity, limit):
    return orders.order_place(
        user=user, round_id=round_.pk, side="sell", quantity=quantity, limit=limit
    )


def trader(credits=Decimal("10000.00"), units=0, asset=None):
    """A new division with a lead, funded; returns the lead."""
    division = DivisionFactory()
    if credits:
        funded(division, credits)
    if units:
        stocked(division, asset, units)
    return lead_of(division)


def open_session_round(management=None, markets: int = 2):
    """An open session round over `markets` new markets (created through the session services,
    as management would); returns it and its markets in creation order."""
    from market.models import Session, SessionRound
    from market.services import sessions

    session = sessions.session_save(
        user=management or management_user(),
        session=Session(name="Next week", slug="next-week"),
    )
    created = [MarketFactory() for _ in range(markets)]
    Market.objects.filter(pk__in=[m.pk for m in created]).update(session=session)
    sessions.session_rounds_tick()
    return SessionRound.objects.get(), created
