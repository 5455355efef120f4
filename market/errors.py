"""The one domain error type: services raise it, views and the API turn it into a 4xx."""


class MarketError(Exception):
    """A refusal a user can act on; `message` is shown to them as it is."""

    code = "refused"
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InsufficientFunds(MarketError):
    code = "insufficient_funds"
    status = 409


class NotAllowed(MarketError):
    code = "forbidden"
    status = 403


class InvalidState(MarketError):
    code = "invalid_state"
    status = 409
