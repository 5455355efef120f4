"""What every rule management sets in oversight carries: why, who set it, when it changed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ManagedRule(models.Model):
    """Abstract: a rule saved and removed only through the oversight services (which check
    the user is management and record ``set_by``), audited by django-auditlog."""

    reason = models.CharField(_("reason"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
