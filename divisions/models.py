"""A division: it trades in the market and owns ledger accounts."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def shown_name(name: str, name_en: str) -> str:
    """A division's name in the reader's language: the English name for English, else the name."""
    if name_en and (get_language() or "en").startswith("en"):
        return name_en
    return name


class Division(models.Model):
    """Named as the company names it (通义实验室, 千问, …), with an English name for readers of
    English; the slug is the stable code in URLs, usernames and the API."""

    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        help_text=_("The name the company uses, e.g. 千问."),
    )
    name_en = models.CharField(
        _("English name"),
        max_length=100,
        blank=True,
        help_text=_("Shown to people reading English, e.g. Qwen; empty: the name above."),
    )
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language: the English name for English, else the name."""
        return shown_name(self.name, self.name_en)

    @property
    def record_name(self) -> str:
        """The name an English record (a memo, a case's history) keeps, whoever wrote it."""
        return self.name_en or self.name
