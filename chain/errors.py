"""The chain's refusals, in the market's one error type (so views and the API map them alike)."""

from django.utils.translation import gettext as _

from market.errors import MarketError


class UsageRefused(MarketError):
    """A usage batch with errors books nothing; `errors` says which record and why."""

    code = "usage_refused"
    status = 422

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(
            _("No usage was booked: %(count)d record(s) have errors.") % {"count": len(errors)}
        )
        self.errors = errors
