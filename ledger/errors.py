"""The ledger's refusals: services raise them, the apps above turn them into a 4xx."""


class Refusal(Exception):
    """A refusal a user can act on; `message` is shown to them as it is."""

    code = "refused"
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InsufficientFunds(Refusal):
    code = "insufficient_funds"
    status = 409


class NotAllowed(Refusal):
    code = "forbidden"
    status = 403
