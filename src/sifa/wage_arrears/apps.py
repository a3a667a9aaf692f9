from django.apps import AppConfig


class WageArrearsConfig(AppConfig):
    name = "sifa.wage_arrears"
    label = "wage_arrears"
    verbose_name = "农民工欠薪绿色通道"
