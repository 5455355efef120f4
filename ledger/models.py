"""The double-entry ledger: every movement of credits or units is a balanced transaction.

Entries are append-only and are the truth. Each account also carries its balance, the running sum
of its entries, updated by the posting that adds them, under the same row lock; each entry records
the balance after it. So a balance check reads one row and a statement reads a page, however long
the history; the reconciliation (`ledger.reconcile`) proves balance = sum of entries.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

AMOUNT_PLACES = 2
ZERO = Decimal("0.00")
QUANT = Decimal(1).scaleb(-AMOUNT_PLACES)  # 0.01


def summed(value: object) -> Decimal:
    """A SUM read back from the database, at the ledger's places (SQLite sums decimals as floats;
    PostgreSQL's sum is exact and passes through unchanged)."""
    return Decimal(str(value or 0)).quantize(QUANT)


def amount_field(**kwargs: object) -> models.DecimalField:
    return models.DecimalField(max_digits=20, decimal_places=AMOUNT_PLACES, **kwargs)  # type: ignore[arg-type]


class Asset(models.Model):
    """What an account holds: credits, or the units of one resource spec."""

    class Kind(models.TextChoices):
        CREDITS = "credits", _("Credits")
        GPU = "gpu", _("GPU capacity")
        TOKENS = "tokens", _("Token supply")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    gpu_type = models.CharField(
        _("GPU type"), max_length=40, blank=True, help_text=_("GPU capacity: e.g. H100")
    )
    pool = models.CharField(
        _("pool"), max_length=40, blank=True, help_text=_("GPU capacity: e.g. eu-west")
    )
    model_name = models.CharField(
        _("model"), max_length=80, blank=True, help_text=_("Token supply: the model")
    )
    delivery_start = models.DateTimeField(_("delivery starts"), null=True, blank=True)
    delivery_end = models.DateTimeField(_("delivery ends"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="credits")
                | (models.Q(delivery_start__isnull=False) & models.Q(delivery_end__isnull=False)),
                name="asset_resource_has_delivery",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language and time zone: a delivery window's asset keeps its
        window's times in its stored name as they read where it was created (UTC). Lists
        select_related("window__series"); credits need no lookup."""
        if self.is_credits:
            return self.name
        try:
            return self.window.label
        except ObjectDoesNotExist:
            return self.name

    @property
    def is_credits(self) -> bool:
        return self.kind == self.Kind.CREDITS

    @property
    def unit(self) -> str:
        """The unit's name in the reader's language."""
        if self.kind == self.Kind.CREDITS:
            return pgettext("unit", "credits")
        if self.kind == self.Kind.GPU:
            return pgettext("unit", "GPU-hours")
        return pgettext("unit", "M tokens")


class Account(models.Model):
    """One division's available or held balance of one asset, or an asset's issuance account.

    Issuance accounts (no division) are where grants and mints come from; they run negative by
    exactly what management has put into the market, so every asset's entries sum to zero.
    """

    class Kind(models.TextChoices):
        AVAILABLE = "available", pgettext_lazy("account", "Available")
        HELD = "held", pgettext_lazy("account", "Held in escrow")
        ISSUANCE = "issuance", pgettext_lazy("account", "Issuance")

    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("asset")
    )
    division = models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("division"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    balance = amount_field(
        verbose_name=_("balance"),
        default=ZERO,
        editable=False,
        help_text=_("The sum of its entries, kept by each posting under the account's row lock."),
    )

    class Meta:
        ordering = ["asset", "division", "kind"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        permissions = [
            ("reconciliation_alerts", _("Receives the reconciliation's alerts")),
        ]
        constraints = [
            # The no-overdraft rule, also in the database: a service bug cannot overdraw.
            models.CheckConstraint(
                condition=models.Q(division__isnull=True) | models.Q(balance__gte=0),
                name="account_division_balance_not_negative",
            ),
            models.UniqueConstraint(
                fields=["asset", "division", "kind"],
                condition=models.Q(division__isnull=False),
                name="account_unique_per_division",
            ),
            models.UniqueConstraint(
                fields=["asset"],
                condition=models.Q(division__isnull=True),
                name="account_one_issuance_per_asset",
            ),
            models.CheckConstraint(
                condition=models.Q(division__isnull=True, kind="issuance")
                | (models.Q(division__isnull=False) & ~models.Q(kind="issuance")),
                name="account_issuance_has_no_division",
            ),
        ]

    def __str__(self) -> str:
        owner = str(self.division) if self.division else pgettext("account", "Issuance")
        return f"{owner} · {self.asset.code} · {self.get_kind_display()}"


class LedgerTransaction(models.Model):
    """A set of entries that balance to zero per asset, with why and who."""

    class Reason(models.TextChoices):
        GRANT = "grant", _("Budget grant")
        MINT = "mint", _("Capacity mint")
        HOLD = "hold", _("Escrow hold")
        RELEASE = "release", _("Escrow release")
        TRADE = "trade", _("Trade settlement")
        TRANSFER = "transfer", _("Transfer")
        RULING = "ruling", _("Arbitration ruling")
        CORRECTION = "correction", _("Correction")
        CONSUME = "consume", _("Metered consumption")
        EXPIRE = "expire", _("Window expiry")
        OVERAGE = "overage", _("Overage charge")
        REVENUE = "revenue", _("Revenue share")

    public_id = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        verbose_name=_("public id"),
        help_text=_(
            "Shown to divisions instead of the sequential id, which would reveal how many "
            "transactions others posted in between."
        ),
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        help_text=_("Empty when the system posted it (e.g. a scheduled settlement)."),
    )
    reference_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reference type"),
    )
    reference_id = models.PositiveBigIntegerField(_("reference id"), null=True, blank=True)
    key = models.CharField(
        _("key"),
        max_length=120,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Set where a transaction must be posted at most once (settlement, ruling)."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        indexes = [models.Index(fields=["reference_type", "reference_id"])]
        permissions = [
            ("grant_credits", _("Can grant credits to a division")),
            ("mint_units", _("Can mint resource units to a division")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_reason_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Ledger transactions are append-only: post a correction instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Ledger transactions are append-only: post a correction instead.")

    @property
    def memo_display(self) -> str:
        """The memo in the reader's language (ledger/memos.py)."""
        from .memos import memo_display

        return memo_display(self.memo)


class EntryQuerySet(models.QuerySet["Entry"]):
    def update(self, **kwargs: object) -> int:
        raise ValueError("Ledger entries are append-only: post a correction instead.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError("Ledger entries are append-only: post a correction instead.")


class Entry(models.Model):
    transaction = models.ForeignKey(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("ledger transaction"),
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="entries", verbose_name=_("account")
    )
    amount = amount_field(verbose_name=_("amount"))
    balance_after = amount_field(
        verbose_name=_("balance after"), help_text=_("The account's balance after this entry.")
    )

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        indexes = [models.Index(fields=["account", "transaction"], name="entry_account_txn")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="entry_amount_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount:+}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Ledger entries are append-only: post a correction instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Ledger entries are append-only: post a correction instead.")
