from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "sifa.screening"
    label = "screening"
    verbose_name = "核查系统"
