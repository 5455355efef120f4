"""People belong to one division as its lead or a member."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from divisions.models import Division


class Membership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", pgettext_lazy("division role", "Lead")
        MEMBER = "member", pgettext_lazy("division role", "Member")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("user"),
    )
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("division"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    may_trade = models.BooleanField(
        _("may trade"),
        default=False,
        help_text=_("Members only: may create API tokens with the trade scope. Leads always may."),
    )

    class Meta:
        ordering = ["division__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return _("%(user)s (%(role)s, %(division)s)") % {
            "user": self.user,
            "role": self.get_role_display(),
            "division": self.division,
        }

    @property
    def can_trade(self) -> bool:
        return self.role == self.Role.LEAD or self.may_trade
