"""The event feed and webhooks: what happened to a division's orders, rounds and disputes.

This app knows neither the market nor arbitration (an import-linter contract keeps it so):
they emit events into it through `events.services.events_emit`, inside the transaction that
makes the change. Who belongs to which division is asked of the hook named by the
`EVENTS_AUDIENCE` setting, as Django asks AUTH_USER_MODEL.
"""
