from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省级")
    CITY = 2, _("地级")
    COUNTY = 3, _("县级")
    TOWNSHIP = 4, _("乡级")
    VILLAGE = 5, _("村级")


# Length of the code prefix that defines a division's subtree, by level (GB/T 2260 + township/village).
PREFIX_LENGTH = {
    DivisionLevel.PROVINCE: 2,
    DivisionLevel.CITY: 4,
    DivisionLevel.COUNTY: 6,
    DivisionLevel.TOWNSHIP: 9,
    DivisionLevel.VILLAGE: 12,
}


class OrganisationKind(models.TextChoices):
    JUDICIAL_BUREAU = "judicial_bureau", _("司法局（厅）")
    JUDICIAL_OFFICE = "judicial_office", _("司法所")
    LEGAL_AID_CENTRE = "legal_aid_centre", _("法律援助中心")
    MEDIATION_COMMITTEE = "mediation_committee", _("人民调解委员会")
    LAW_FIRM = "law_firm", _("律师事务所")
    NOTARY_OFFICE = "notary_office", _("公证处")
    APPRAISAL_INSTITUTION = "appraisal_institution", _("司法鉴定机构")
    ARBITRATION_COMMISSION = "arbitration_commission", _("仲裁委员会")
