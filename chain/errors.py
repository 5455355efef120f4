"""The chain's refusals, in the market's one error type (so views and the API map them alike)."""

from django.utils.translation import gettext as _

from market.errors import MarketError


class UsageRefused(MarketError):
    """A usage batch with errors books nothing; `errors` says which record and why, `codes` the
    same with a stable machine-readable code per record (see `RECORD_CODES`)."""

    code = "usage_refused"
    status = 422

    def __init__(self, errors: dict[int, tuple[str, str]]) -> None:
        """`errors`: record index → (code, translated message)."""
        super().__init__(
            _("No usage was booked: %(count)d record(s) have errors.") % {"count": len(errors)}
        )
        self.codes = {i: code for i, (code, _message) in errors.items()}
        self.errors = {i: message for i, (_code, message) in errors.items()}


# The codes a refused usage record carries, stable for the platform's programs (the API's `codes`).
RECORD_CODES = (
    "batch_size",  # no records, or more than the maximum
    "duplicate_in_batch",  # the external id appears twice in the batch
    "unknown_division",  # no division has that slug
    "unknown_window",  # no delivery window has that asset code
    "used_in_future",  # the usage time is in the future
    "used_before_window",  # the usage time is before the window's delivery starts
    "used_after_window",  # the usage time is after the window's delivery ended
    "window_closed",  # reported after the window's grace period (or after it expired)
    "external_id_conflict",  # the external id was booked before with other values
)
