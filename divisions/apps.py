from django.apps import AppConfig


class DivisionsConfig(AppConfig):
    name = "divisions"
    verbose_name = "Divisions"
