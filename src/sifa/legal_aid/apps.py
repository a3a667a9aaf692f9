from django.apps import AppConfig


class LegalAidConfig(AppConfig):
    name = "sifa.legal_aid"
    label = "legal_aid"
    verbose_name = "法律援助"
