"""The case file: evidence (text, files, the automatic snapshot), the message thread, responses."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from divisions.models import Division

from .disputes import Dispute


def evidence_path(evidence: "Evidence", filename: str) -> str:
    # The stored name is not the uploaded one: nothing a party types ends up in a path.
    return f"arbitration/evidence/{evidence.dispute_id}/{evidence.token}{evidence.extension}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        FILE = "file", "File"
        SNAPSHOT = "snapshot", "Snapshot of the round"

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The party that added it; empty for management and the system.",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    file = models.FileField(upload_to=evidence_path, blank=True, max_length=300)
    filename = models.CharField(max_length=200, blank=True, help_text="As uploaded.")
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    token = models.CharField(max_length=32, blank=True)
    extension = models.CharField(max_length=8, blank=True)
    snapshot = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title


class Message(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when management wrote it.",
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} on dispute #{self.dispute_id}"

    @property
    def sender(self) -> str:
        return self.division.name if self.division else "Management"


class Response(models.Model):
    """A counterparty's answer to the dispute; one per counterparty division."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="responses")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "division"], name="response_once_per_counterparty"
            ),
        ]

    def __str__(self) -> str:
        return f"Response of {self.division} to dispute #{self.dispute_id}"
