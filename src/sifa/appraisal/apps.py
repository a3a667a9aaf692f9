from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "sifa.appraisal"
    label = "appraisal"
    verbose_name = "司法鉴定"
