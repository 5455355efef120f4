"""A dispute against a round's price, a fill or a delivery, its parties and its case history.

The state machine (SPEC §4) is declared once here with django-fsm-2; the transition methods do
nothing but change state. Services call them under a row lock and record each one as a
`DisputeEvent`; the field is protected, so nothing else can set the state.
"""

import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from divisions.models import Division
from divisions.selectors import names_shown
from market.models import Fill, Market, Round


class State(models.TextChoices):
    FILED = "filed", _("Filed")
    UNDER_REVIEW = "under_review", _("Under review")
    AWAITING_RESPONSE = "awaiting_response", _("Awaiting response")
    RULED = "ruled", _("Ruled")
    APPEALED = "appealed", _("Appealed")
    RULED_ON_APPEAL = "ruled_on_appeal", _("Ruled on appeal")
    FINAL = "final", _("Final")
    WITHDRAWN = "withdrawn", _("Withdrawn")


ACTIONS = {
    "file": _("Filed"),
    "take": _("Taken"),
    "take_appeal": _("Appeal taken"),
    "request_response": _("Response requested"),
    "resume_review": _("Back under review"),
    "escalate": _("Escalated"),
    "rule": _("Ruled"),
    "appeal": _("Appealed"),
    "rule_on_appeal": _("Ruled on appeal"),
    "finalise": _("Made final"),
    "withdraw": _("Withdrawn"),
}

# What the system writes as a move's reason: stored in English (the record), shown in the
# reader's language by matching the stored text back to its template.
SYSTEM_WHYS = [
    gettext_noop("Filed by %(division)s."),
    gettext_noop("Taken by %(user)s."),
    gettext_noop("Appeal taken by %(user)s."),
    gettext_noop("Response requested from %(divisions)s."),
    gettext_noop("Every counterparty has responded."),
    gettext_noop("Escalated by %(user)s."),
    gettext_noop("Escalated from the queue by %(user)s."),
    gettext_noop("Withdrawn by %(division)s."),
    gettext_noop("The response deadline passed; no response from %(divisions)s."),
    gettext_noop("Overdue: the ruling was due %(due)s."),
    gettext_noop("No further appeal."),
    gettext_noop("The appeal window passed."),
]


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"%\((\w+)\)s", template)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$", re.S)


WHY_DIVISIONS = {"division", "divisions"}  # parts that name divisions: shown in the reader's names
_WHY_PATTERNS = [(template, _pattern(template)) for template in SYSTEM_WHYS]


def system_why(template: str, **values: object) -> str:
    """The English record of a system reason (a template of SYSTEM_WHYS)."""
    return template % {k: str(v) for k, v in values.items()}


def why_display(why: str) -> str:
    for template, pattern in _WHY_PATTERNS:
        found = pattern.match(why)
        if found:
            values = found.groupdict()
            for key in WHY_DIVISIONS.intersection(values):
                values[key] = names_shown(values[key])
            return gettext(template) % values
    return why


OPEN_STATES = (State.FILED, State.UNDER_REVIEW, State.AWAITING_RESPONSE)
HEARING_STATES = (*OPEN_STATES, State.APPEALED)  # a ruling is still to come
CLOSED_STATES = (State.FINAL, State.WITHDRAWN)


class Subject(models.TextChoices):
    PRICE = "price", _("The round's price")
    FILL = "fill", _("One of our fills")
    DELIVERY = "delivery", _("A delivery")


class Category(models.TextChoices):
    PRICING = "pricing", _("Clearing price")
    QUANTITY = "quantity", _("Quantity filled")
    DELIVERY = "delivery", _("Delivery missing or short")
    QUALITY = "quality", _("Quality of what was delivered")
    OTHER = "other", _("Other")


class Remedy(models.TextChoices):
    DISMISS = "dismiss", _("Dismiss")
    COMPENSATION = "compensation", _("Compensation")
    PRICE_ADJUSTMENT = "price_adjustment", _("Price adjustment")
    VOID = "void", _("Void fills")


class Dispute(FSMModelMixin, models.Model):
    State = State
    Subject = Subject
    Category = Category
    Remedy = Remedy

    market = models.ForeignKey(
        Market, on_delete=models.PROTECT, related_name="disputes", verbose_name=_("market")
    )
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="disputes", verbose_name=_("round")
    )
    fill = models.ForeignKey(
        Fill,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
        verbose_name=_("fill"),
    )
    subject = models.CharField(_("subject"), max_length=10, choices=Subject.choices)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    claimed_remedy = models.CharField(_("remedy claimed"), max_length=20, choices=Remedy.choices)
    claimed_amount = models.DecimalField(
        _("amount claimed"),
        max_digits=20,
        decimal_places=2,
        default=0,
        help_text=_("Credits claimed."),
    )
    statement = models.TextField(_("statement"))
    filer = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="disputes_filed",
        verbose_name=_("filer"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    state = FSMField(
        _("state"), max_length=20, choices=State.choices, default=State.FILED, protected=True
    )
    arbiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes_arbitrated",
        verbose_name=_("arbiter"),
    )
    appeal_arbiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals_arbitrated",
        verbose_name=_("appeal arbiter"),
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now, db_index=True)
    response_due = models.DateTimeField(_("responses due"), null=True, blank=True)
    ruling_due = models.DateTimeField(_("ruling due"), null=True, blank=True)
    appeal_due = models.DateTimeField(_("appeal due"), null=True, blank=True)
    appealed_at = models.DateTimeField(_("appealed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    overdue_at = models.DateTimeField(
        _("overdue since"),
        null=True,
        blank=True,
        help_text=_("When the deadlines task first found the ruling overdue."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
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
        values = {"id": self.pk, "round": self.round, "filer": self.filer}
        if self.subject == Subject.FILL:
            return _("Dispute #%(id)s: a fill of %(filer)s in %(round)s") % values
        if self.subject == Subject.DELIVERY:
            return _("Dispute #%(id)s: a delivery to %(filer)s in %(round)s") % values
        return _("Dispute #%(id)s: the price of %(round)s") % values

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
        FILER = "filer", _("Filer")
        COUNTERPARTY = "counterparty", _("Counterparty")

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="parties", verbose_name=_("dispute")
    )
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)

    class Meta:
        ordering = ["dispute", "role", "division__name"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(fields=["dispute", "division"], name="party_once_per_dispute"),
        ]

    def __str__(self) -> str:
        return f"{self.division} ({self.get_role_display()})"


class DisputeEvent(models.Model):
    """One line of the case history: who did what, when, from which state to which, and why."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="events", verbose_name=_("dispute")
    )
    action = models.CharField(_("action"), max_length=30)
    source = models.CharField(_("from"), max_length=20, blank=True, choices=State.choices)
    target = models.CharField(_("to"), max_length=20, choices=State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the deadlines task acted."),
    )
    why = models.TextField(_("why"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case history line")
        verbose_name_plural = _("case history")

    def __str__(self) -> str:
        return f"{self.label}: {self.get_source_display() or '—'} → {self.get_target_display()}"

    @property
    def label(self) -> str:
        """The action in the reader's language."""
        known = ACTIONS.get(self.action)
        return str(known) if known else self.action.replace("_", " ").capitalize()

    @property
    def why_display(self) -> str:
        """What the system wrote reads in the reader's language; what a person typed stays."""
        return why_display(self.why)
