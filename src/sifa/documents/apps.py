from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "sifa.documents"
    label = "documents"
    verbose_name = "文书与电子签章"
