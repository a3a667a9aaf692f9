from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    FORENSIC_MEDICINE = "法医类", _("法医类")
    PHYSICAL_EVIDENCE = "物证类", _("物证类")
    AUDIO_VISUAL = "声像资料", _("声像资料")
    ENVIRONMENT = "环境损害", _("环境损害")
