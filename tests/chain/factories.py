"""Chain test data, built through the chain's services where a user would."""

from datetime import datetime, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from chain.models import Series
from chain.services import usage, windows
from market import roles
from tests.factories import UserFactory


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    name = factory.Sequence(lambda n: f"H100 · pool {n}")
    slug = factory.Sequence(lambda n: f"h100-pool-{n}")
    kind = "gpu"
    gpu_type = "H100"
    pool = "eu-west"
    anchor = factory.LazyFunction(
        lambda: timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    )
    window_minutes = 1440
    windows_ahead = 2
    gate_minutes = 60
    round_minutes = 5
    overage_factor = Decimal("1.50")
    overage_price = Decimal("2.00")


def platform_user():
    roles.ensure_role_groups()
    user = UserFactory()
    user.groups.add(Group.objects.get(name=roles.PLATFORM))
    return user


def window_of(series, *, now=None):
    """The series' next window, created by the beat service."""
    created = windows.series_windows_ensure(series_id=series.pk, now=now)
    return created[0] if created else series.windows.order_by("number").first()


def current_window(**series):
    """A window whose delivery started half an hour ago and runs another half hour."""
    anchor = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=30)
    series = SeriesFactory(anchor=anchor, window_minutes=60, gate_minutes=5, **series)
    return window_of(series, now=anchor - timedelta(minutes=30))


def use(by, division, window, units, external_id, at: datetime | None = None, now=None):
    """One usage record, reported (by default) the moment it happened."""
    at = at or window.starts_at + timedelta(minutes=1)
    return usage.usage_batch_record(
        by=by,
        records=[usage.UsageInput(external_id, division.slug, window.asset.code, units, at)],
        now=now or at,
    )[0]
