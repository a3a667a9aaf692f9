"""The workbench sidebar: one list of entries in groups, each shown only to the roles that can use it.

An entry whose page does not exist yet (its path does not resolve) is left out, so the menu never
offers a dead link and an entry appears by itself once its app mounts the page.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.urls import Resolver404, resolve
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sifa.accounts.choices import PERSON_READ_ROLES, Role
from sifa.appraisal.views import READERS as APPRAISAL_READERS
from sifa.arbitration.selectors import READ_ROLES as ARBITRATION_READ_ROLES
from sifa.arbitration.selectors import WRITE_ROLES as ARBITRATION_WRITE_ROLES
from sifa.cases.access import OVERSIGHT_ROLES as CASE_OVERSIGHT_ROLES
from sifa.documents.selectors import READ_ROLES as DOCUMENT_READ_ROLES
from sifa.legal_aid.finder import EDIT_ROLES as CENTRE_EDIT_ROLES
from sifa.mediation.selectors import CONFIRMATION_ROLES as MEDIATION_CONFIRMATION_ROLES
from sifa.mediation.selectors import STATS_ROLES as MEDIATION_STATS_ROLES
from sifa.mediation.views import WORK_ROLES as MEDIATION_WORK_ROLES
from sifa.notary.views import READERS as NOTARY_READERS
from sifa.wage_arrears.selectors import STATS_ROLES as WAGE_STATS_ROLES
from sifa.wage_arrears.views import LIST_ROLES as WAGE_LIST_ROLES


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    path: str
    roles: frozenset[str] | None = None  # None: every verified staff user
    exact: bool = False  # highlight only on exactly this path (else on any path below it)
    group: str | Promise = ""  # the sidebar heading it is listed under (GROUP_ORDER; entries keep their order)


WORK = _("办件")
SERVICES = _("公共法律服务")
SUPERVISION = _("监督与风险")
RECORDS = _("档案与系统")
GROUP_ORDER = ("", WORK, SERVICES, SUPERVISION, RECORDS)  # the sidebar lists groups in this order


WORKBENCH_NAV: tuple[NavEntry, ...] = (
    NavEntry(_("工作台首页"), "/workbench/", exact=True),
    NavEntry(_("我的待办"), "/cases/tasks/", group=WORK),
    NavEntry(_("辖区案件"), "/cases/", frozenset(CASE_OVERSIGHT_ROLES), exact=True, group=WORK),
    NavEntry(_("期限督办"), "/cases/board/", frozenset(CASE_OVERSIGHT_ROLES), group=WORK),
    NavEntry(_("回访任务"), "/cases/follow-ups/", frozenset({Role.SUPERVISOR}), group=WORK),
    NavEntry(
        _("法律援助奖补"), "/legal-aid/subsidies/", frozenset({Role.LEGAL_AID_OFFICER, Role.SUPERVISOR}), group=SERVICES
    ),
    NavEntry(_("咨询值班"), "/consultation/duty/", frozenset({Role.BUREAU_STAFF, Role.SUPERVISOR}), group=SERVICES),
    NavEntry(_("专家点评"), "/consultation/reviews/", frozenset({Role.SUPERVISOR}), group=SERVICES),
    NavEntry(_("咨询统计"), "/consultation/stats/", frozenset({Role.BUREAU_STAFF, Role.SUPERVISOR}), group=SERVICES),
    NavEntry(
        _("行政复议期限"),
        "/reconsideration/",
        frozenset({Role.BUREAU_STAFF, Role.SUPERVISOR, Role.AUDITOR}),
        group=SERVICES,
    ),
    NavEntry(_("转办跟踪"), "/cases/referrals/", frozenset(CASE_OVERSIGHT_ROLES | {Role.MEDIATOR}), group=WORK),
    NavEntry(_("人民调解"), "/mediation/", frozenset(MEDIATION_WORK_ROLES), exact=True, group=SERVICES),
    NavEntry(_("调解工作量"), "/mediation/stats/", MEDIATION_STATS_ROLES, group=SERVICES),
    NavEntry(_("司法确认"), "/mediation/confirmations/", MEDIATION_CONFIRMATION_ROLES, group=SERVICES),
    NavEntry(_("欠薪求助"), "/wage-arrears/requests/", frozenset(WAGE_LIST_ROLES), group=SERVICES),
    NavEntry(_("欠薪求助统计"), "/wage-arrears/stats/", WAGE_STATS_ROLES, group=SERVICES),
    NavEntry(_("法律援助中心信息"), "/legal-aid/centres/manage/", CENTRE_EDIT_ROLES, group=SERVICES),
    NavEntry(_("法律援助律师名册"), "/legal-aid/rosters/", CENTRE_EDIT_ROLES, group=SERVICES),
    NavEntry(_("公证办理"), "/notary/", frozenset(NOTARY_READERS), exact=True, group=SERVICES),
    NavEntry(_("公证窗口受理"), "/notary/window/", frozenset({Role.NOTARY}), group=SERVICES),
    NavEntry(_("仲裁案件监管"), "/arbitration/cases/", ARBITRATION_READ_ROLES, group=SERVICES),
    NavEntry(_("仲裁员名册"), "/arbitration/arbitrators/", ARBITRATION_READ_ROLES, group=SERVICES),
    NavEntry(_("仲裁员培训"), "/arbitration/trainings/", ARBITRATION_WRITE_ROLES, group=SERVICES),
    NavEntry(_("仲裁文书送达"), "/arbitration/deliveries/", ARBITRATION_WRITE_ROLES, group=SERVICES),
    NavEntry(_("司法鉴定"), "/appraisal/", frozenset(APPRAISAL_READERS), exact=True, group=SERVICES),
    NavEntry(_("站内通知"), "/cases/notifications/", group=WORK),
    NavEntry(_("人员档案"), "/people/", frozenset(PERSON_READ_ROLES), group=RECORDS),
    NavEntry(_("机构"), "/regions/organisations/", group=RECORDS),
    NavEntry(_("文书"), "/documents/", frozenset(DOCUMENT_READ_ROLES), group=RECORDS),
    NavEntry(_("审计"), "/audit/", frozenset({Role.AUDITOR}), group=RECORDS),
    NavEntry(
        _("矛盾纠纷预警"),
        "/risk/disputes/",
        frozenset({Role.BUREAU_STAFF, Role.SUPERVISOR, Role.ANALYST}),
        group=SUPERVISION,
    ),
    NavEntry(_("台账比对"), "/risk/ledgers/", frozenset({Role.BUREAU_STAFF, Role.SUPERVISOR}), group=SUPERVISION),
    NavEntry(
        _("诉讼风险筛查"),
        "/risk/litigation/",
        frozenset({Role.BUREAU_STAFF, Role.SUPERVISOR, Role.ANALYST}),
        group=SUPERVISION,
    ),
    NavEntry(_("台账差异核查"), "/risk/discrepancies/", frozenset({Role.SUPERVISOR}), group=SUPERVISION),
    NavEntry(_("核查预警"), "/screening/warnings/", frozenset({Role.INTEGRITY_OFFICER}), group=SUPERVISION),
    NavEntry(_("批量核查"), "/screening/jobs/", frozenset({Role.INTEGRITY_OFFICER}), group=SUPERVISION),
    NavEntry(
        _("核查信息库"),
        "/screening/registries/",
        frozenset({Role.INTEGRITY_OFFICER, Role.BUREAU_STAFF}),
        group=SUPERVISION,
    ),
    NavEntry(
        _("律师执业申请"),
        "/screening/licences/",
        frozenset({Role.BUREAU_STAFF, Role.INTEGRITY_OFFICER}),
        group=SUPERVISION,
    ),
)


@dataclass(frozen=True)
class NavLink:
    label: str | Promise
    path: str
    current: bool
    group: str | Promise = ""


@lru_cache(maxsize=256)
def page_exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def nav_for(role_set: Iterable[str], path: str, entries: Iterable[NavEntry] = WORKBENCH_NAV) -> list[NavLink]:
    """The entries a user with `role_set` may see, marking the one for `path` as current."""
    held = frozenset(role_set)
    links = []
    for entry in entries:
        if entry.roles is not None and not (held & entry.roles):
            continue
        if not page_exists(entry.path):
            continue
        current = path == entry.path if entry.exact else path.startswith(entry.path)
        links.append(NavLink(entry.label, entry.path, current, entry.group))
    return sorted(links, key=lambda link: GROUP_ORDER.index(link.group) if link.group in GROUP_ORDER else 0)
