"""The case file: evidence (text, files, the automatic snapshot), the message thread, responses."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divisions.models import Division

from .disputes import Dispute


def evidence_path(evidence: "Evidence", filename: str) -> str:
    # The stored name is not the uploaded one: nothing a party types ends up in a path.
    return f"arbitration/evidence/{evidence.dispute_id}/{evidence.token}{evidence.extension}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        FILE = "file", _("File")
        SNAPSHOT = "snapshot", _("Snapshot of the round")

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("dispute")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("division"),
        help_text=_("The party that added it; empty for management and the system."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True, max_length=300)
    filename = models.CharField(
        _("file name"), max_length=200, blank=True, help_text=_("As uploaded.")
    )
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    token = models.CharField(_("token"), max_length=32, blank=True)
    extension = models.CharField(_("extension"), max_length=8, blank=True)
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The snapshot's title is the system's: it reads in the reader's language."""
        if self.kind == self.Kind.SNAPSHOT:
            return _("Snapshot of round %(number)s when the dispute was filed") % {
                "number": self.snapshot["round"]["number"] if self.snapshot else "?"
            }
        return self.title


class Message(models.Model):
    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="messages", verbose_name=_("dispute")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("division"),
        help_text=_("Empty when management wrote it."),
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return _("%(author)s on dispute #%(id)s") % {"author": self.author, "id": self.dispute_id}

    @property
    def sender(self) -> str:
        return self.division.display_name if self.division else str(_("Management"))


class Response(models.Model):
    """A counterparty's answer to the dispute; one per counterparty division."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="responses", verbose_name=_("dispute")
    )
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("response"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "division"], name="response_once_per_counterparty"
            ),
        ]

    def __str__(self) -> str:
        return _("Response of %(division)s to dispute #%(id)s") % {
            "division": self.division,
            "id": self.dispute_id,
        }
