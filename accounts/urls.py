from django.urls import path

from . import views

urlpatterns = [
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("account/preferences/", views.preferences, name="preferences"),
]
