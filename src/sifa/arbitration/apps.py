from django.apps import AppConfig


class ArbitrationConfig(AppConfig):
    name = "sifa.arbitration"
    label = "arbitration"
    verbose_name = "仲裁"
