from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sifa.core"
    label = "core"
    verbose_name = "核心"
