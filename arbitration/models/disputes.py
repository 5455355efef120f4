"""A dispute against a round's price, a fill or a delivery, its parties and its case history.

The state machine (SPEC §4) is declared once here with django-fsm-2; the transition methods do
nothing but change state. Services call them under a row lock and record each one as a
`DisputeEvent`; the field is protected, so nothing else can set the state.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from divisions.models import Division
from market.models import Fill, Market, Round


class State(models.TextChoices):
    FILED = "filed", "Filed"
    UNDER_REVIEW = "under_review", "Under review"
    AWAITING_RESPONSE = "awaiting_response", "Awaiting response"
    RULED = "ruled", "Ruled"
    APPEALED = "appealed", "Appealed"
    RULED_ON_APPEAL = "ruled_on_appeal", "Ruled on appeal"
    FINAL = "final", "Final"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATES = (State.FILED, State.UNDER_REVIEW, State.AWAITING_RESPONSE)
HEARING_STATES = (*OPEN_STATES, State.APPEALED)  # a ruling is still to come
CLOSED_STATES = (State.FINAL, State.WITHDRAWN)


class Subject(models.TextChoices):
    PRICE = "price", "The round's price"
    FILL = "fill", "One of our fills"
    DELIVERY = "delivery", "A delivery"


class Category(models.TextChoices):
    PRICING = "pricing", "Clearing price"
    QUANTITY = "quantity", "Quantity filled"
    DELIVERY = "delivery", "Delivery missing or short"
    QUALITY = "quality", "Quality of what was delivered"
    OTHER = "other", "Other"


class Remedy(models.TextChoices):
    DISMISS = "dismiss", "Dismiss"
    COMPENSATION = "compensation", "Compensation"
    PRICE_ADJUSTMENT = "price_adjustment", "Price adjustment"
    VOID = "void", "Void fills"


class Dispute(FSMModelMixin, models.Model):
    State = State
    Subject = Subject
    Category = Category
    Remedy = Remedy

    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="disputes")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="disputes")
    fill = models.ForeignKey(
        Fill, on_delete=models.PROTECT, null=True, blank=True, related_name="disputes"
    )
    subject = models.CharField(max_length=10, choices=Subject.choices)
    category = models.CharField(max_length=10, choices=Category.choices)
    claimed_remedy = models.CharField(max_length=20, choices=Remedy.choices)
    claimed_amount = models.DecimalField(
        max_digits=20, decimal_places=2, default=0, help_text="Credits claimed."
    )
    statement = models.TextField()
    filer = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="disputes_filed")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = FSMField(max_length=20, choices=State.choices, default=State.FILED, protected=True)
    arbiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes_arbitrated",
    )
    appeal_arbiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals_arbitrated",
    )
    filed_at = models.DateTimeField(default=timezone.now, db_index=True)
    response_due = models.DateTimeField(null=True, blank=True)
    ruling_due = models.DateTimeField(null=True, blank=True)
    appeal_due = models.DateTimeField(null=True, blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(
        null=True, blank=True, help_text="When the deadlines task first found the ruling overdue."
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["state", "ruling_due"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(claimed_amount__gte=0), name="dispute_claim_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(subject="price") | models.Q(fill__isnull=False),
                name="dispute_fill_subject_has_fill",
            ),
        ]

    def __str__(self) -> str:
        return f"Dispute #{self.pk}: {self.get_subject_display().lower()} in {self.round}"

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES

    @property
    def is_overdue(self) -> bool:
        now = timezone.now()
        if self.state in HEARING_STATES and self.ruling_due and self.ruling_due < now:
            return True
        return bool(
            self.state == State.AWAITING_RESPONSE and self.response_due and self.response_due < now
        )

    # The transitions. Guards beyond the source state (who, deadlines) live in the services.
    @transition(field=state, source=State.FILED, target=State.UNDER_REVIEW)
    def take(self) -> None:
        """An arbiter from management takes the case."""

    @transition(field=state, source=State.APPEALED, target=None)
    def take_appeal(self) -> None:
        """A second arbiter takes the appeal; the state stays appealed."""

    @transition(field=state, source=State.UNDER_REVIEW, target=State.AWAITING_RESPONSE)
    def request_response(self) -> None:
        """The arbiter asks the counterparties to respond by the response deadline."""

    @transition(field=state, source=State.AWAITING_RESPONSE, target=State.UNDER_REVIEW)
    def resume_review(self) -> None:
        """Every counterparty responded, or the response deadline passed."""

    @transition(field=state, source=list(HEARING_STATES), target=None)
    def escalate(self) -> None:
        """Flag the case for management's attention; the state stays."""

    @transition(
        field=state, source=[State.UNDER_REVIEW, State.AWAITING_RESPONSE], target=State.RULED
    )
    def rule(self) -> None:
        """The arbiter rules; the ruling's effects are posted in the same transaction."""

    @transition(field=state, source=State.RULED, target=State.APPEALED)
    def appeal(self) -> None:
        """A party appeals within the appeal window; once per case."""

    @transition(field=state, source=State.APPEALED, target=State.RULED_ON_APPEAL)
    def rule_on_appeal(self) -> None:
        """A different arbiter rules on the appeal."""

    @transition(field=state, source=[State.RULED, State.RULED_ON_APPEAL], target=State.FINAL)
    def finalise(self) -> None:
        """The ruling stands for good."""

    @transition(field=state, source=list(OPEN_STATES), target=State.WITHDRAWN)
    def withdraw(self) -> None:
        """The filer withdraws the dispute before a ruling."""


class Party(models.Model):
    class Role(models.TextChoices):
        FILER = "filer", "Filer"
        COUNTERPARTY = "counterparty", "Counterparty"

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=Role.choices)

    class Meta:
        ordering = ["dispute", "role", "division__name"]
        verbose_name_plural = "parties"
        constraints = [
            models.UniqueConstraint(fields=["dispute", "division"], name="party_once_per_dispute"),
        ]

    def __str__(self) -> str:
        return f"{self.division} ({self.get_role_display()})"


class DisputeEvent(models.Model):
    """One line of the case history: who did what, when, from which state to which, and why."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    source = models.CharField(max_length=20, blank=True, choices=State.choices)
    target = models.CharField(max_length=20, choices=State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the deadlines task acted.",
    )
    why = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.source or '—'} → {self.target}"

    @property
    def label(self) -> str:
        return self.action.replace("_", " ").capitalize()
