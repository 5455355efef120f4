"""Sessions: markets grouped so that their rounds open and close together.

A session has one schedule (round length and gap); beat schedules one *session round* at a
time, with one round of each of the session's markets inside it, all opening and closing at
the same moments. Simple orders are placed in those rounds exactly as in any other round.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Session(models.Model):
    """Markets whose rounds close together (e.g. next week's GPU and token windows)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    round_minutes = models.PositiveIntegerField(
        _("round minutes"), default=5, help_text=_("How long each session round is open.")
    )
    gap_minutes = models.PositiveIntegerField(
        _("gap minutes"), default=0, help_text=_("Pause between two session rounds.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(round_minutes__gt=0), name="session_round_has_duration"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SessionRound(models.Model):
    """One round of a session: the rounds of its markets, opened, closed and cleared as one."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        CLEARED = "cleared", _("Cleared")
        SETTLED = "settled", _("Settled")

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("session")
    )
    number = models.PositiveIntegerField(_("number"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SCHEDULED
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    welfare = models.DecimalField(_("welfare"), max_digits=30, decimal_places=2, null=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        ordering = ["session", "-number"]
        verbose_name = _("session round")
        verbose_name_plural = _("session rounds")
        indexes = [models.Index(fields=["state", "closes_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"], name="session_round_number_per_session"
            ),
            models.UniqueConstraint(
                fields=["session"],
                condition=models.Q(state__in=["scheduled", "open"]),
                name="session_round_one_upcoming",
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="session_round_closes_after_open",
            ),
        ]

    def __str__(self) -> str:
        return _("%(session)s · session round %(number)s") % {
            "session": self.session,
            "number": self.number,
        }

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN
