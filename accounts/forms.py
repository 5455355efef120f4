from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Preference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["language", "time_zone", "email_notifications"]
        labels = {
            "language": _("Language"),
            "time_zone": _("Time zone"),
            "email_notifications": _("Send me notifications by e-mail"),
        }
