from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "sifa.people"
    label = "people"
    verbose_name = "人员档案"
