from django.apps import AppConfig


class NotaryConfig(AppConfig):
    name = "sifa.notary"
    label = "notary"
    verbose_name = "公证"
