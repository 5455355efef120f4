"""People belong to one division as its lead or a member."""

from django.conf import settings
from django.db import models

from divisions.models import Division


class Membership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        MEMBER = "member", "Member"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    may_trade = models.BooleanField(
        default=False,
        help_text="Members only: may create API tokens with the trade scope. Leads always may.",
    )

    class Meta:
        ordering = ["division__name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.division})"

    @property
    def can_trade(self) -> bool:
        return self.role == self.Role.LEAD or self.may_trade
