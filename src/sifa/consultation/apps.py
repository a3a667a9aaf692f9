from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "sifa.consultation"
    label = "consultation"
    verbose_name = "法律咨询"
