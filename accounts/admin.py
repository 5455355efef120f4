from django.contrib import admin

from .models import Preference


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "time_zone", "email_notifications")
    list_filter = ("language", "email_notifications")
    search_fields = ("user__username",)
