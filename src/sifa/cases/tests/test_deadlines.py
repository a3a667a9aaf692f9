"""Working-day deadlines with the holiday data, pausing, and the yellow/red scan (E3)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sifa.cases import calendar as cal
from sifa.cases.models import Alert, Case, CaseEvent, Notification
from sifa.cases.selectors import board
from sifa.cases.services import case_submit, case_transition
from sifa.cases.supervision import deadline_scan
from sifa.cases.tests.conftest import aid_form, pdf_upload

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock(monkeypatch):
    """Set the time seen by the services: clock(datetime)."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def test_working_days_skip_weekends_and_holidays_and_count_adjusted_working_days():
    c = cal.calendar()
    assert c.is_working_day(date(2026, 10, 10))  # Saturday, 国庆调休上班
    assert not c.is_working_day(date(2026, 10, 5))  # Monday, 国庆
    assert c.add_working_days(date(2026, 9, 24), 7) == date(2026, 10, 12)
    assert c.add_working_days(date(2026, 3, 5), 7) == date(2026, 3, 16)  # no holiday: weekends only
    assert c.provisional == {2027}


def test_a_holiday_inside_the_period_extends_a_working_day_deadline(world, citizen, clock):
    clock(datetime(2026, 9, 24, 10, 0, tzinfo=SH))  # Thursday before 中秋 and 国庆
    case = case_submit(actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()})
    assert case.deadline_at == datetime(2026, 10, 13, 0, 0, tzinfo=SH)  # end of Mon 12 Oct, not Mon 5 Oct
    assert case.warn_at == datetime(2026, 10, 10, 0, 0, tzinfo=SH)  # two working days before: 9 Oct ends


def test_the_clock_stops_while_waiting_for_the_applicant(world, citizen, aid, clock):
    clock(datetime(2026, 3, 2, 9, 0, tzinfo=SH))  # Monday
    case = case_submit(actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()})
    assert case.deadline_at == datetime(2026, 3, 12, 0, 0, tzinfo=SH)  # 7 working days: Wed 11 March
    clock(datetime(2026, 3, 3, 9, 0, tzinfo=SH))
    case = case_transition(
        actor=aid["officer"], case_id=case.pk, transition="request_materials", data={"missing": "收入证明"}
    )
    assert case.paused_at == datetime(2026, 3, 3, 9, 0, tzinfo=SH)
    assert deadline_scan(now=datetime(2026, 3, 20, tzinfo=SH)).red == []  # paused: never red
    clock(datetime(2026, 3, 6, 9, 0, tzinfo=SH))  # Friday: paused Wed, Thu, Fri = 3 working days
    case = case_transition(
        actor=citizen, case_id=case.pk, transition="resubmit", files={"material": pdf_upload("more.pdf")}
    )
    assert (case.stage, case.paused_at) == ("review", None)
    assert case.deadline_at == datetime(2026, 3, 17, 0, 0, tzinfo=SH)  # Wed 11 + 3 working days = Mon 16


def test_past_the_deadline_the_case_turns_red_and_handler_and_supervisor_are_notified(world, citizen, aid, clock):
    clock(datetime(2026, 3, 2, 9, 0, tzinfo=SH))
    case = case_submit(actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()})
    quiet = deadline_scan(now=datetime(2026, 3, 9, 12, 0, tzinfo=SH))
    assert (quiet.yellow, quiet.red) == ([], [])
    yellow = deadline_scan(now=datetime(2026, 3, 10, 0, 1, tzinfo=SH))
    assert yellow.yellow == [case.pk]
    red = deadline_scan(now=case.deadline_at + timedelta(seconds=1))
    assert (red.red, red.yellow) == ([case.pk], [])
    case.refresh_from_db()
    assert case.alert == Alert.RED
    on_board, counts = board(user=aid["supervisor"], division="370102", service="legal_aid")
    assert [c.pk for c in on_board] == [case.pk]
    assert counts == [{"service_code": "legal_aid", "division__name": "历下区", "yellow": 0, "red": 1}]
    assert list(board(user=aid["far_officer"])[0]) == []
    told = set(Notification.objects.filter(case=case, kind="deadline_red").values_list("user_id", flat=True))
    # nobody is assigned in the review stage: the centre's officers (the stage's role) and its supervisor
    assert told == {aid["officer"].pk, aid["officer2"].pk, aid["supervisor"].pk}
    assert list(CaseEvent.objects.filter(case=case, action__startswith="alert").values_list("action", flat=True)) == [
        "alert_yellow",
        "alert_red",
    ]
    again = deadline_scan(now=case.deadline_at + timedelta(days=3))
    assert (again.red, again.yellow) == ([], [])
    assert Notification.objects.filter(case=case, kind="deadline_red").count() == 3


def test_the_assigned_handler_is_the_one_notified(world, citizen, aid, clock, monkeypatch):
    clock(datetime(2026, 3, 2, 9, 0, tzinfo=SH))
    case = case_submit(actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()})
    Case.objects.filter(pk=case.pk).update(handler=aid["lawyers"][0])
    deadline_scan(now=case.deadline_at + timedelta(seconds=1))
    told = set(Notification.objects.filter(case=case, kind="deadline_red").values_list("user_id", flat=True))
    assert told == {aid["lawyers"][0].pk, aid["supervisor"].pk}


def test_the_scan_task_runs_and_queues_its_next_run(settings, world, citizen):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from sifa.cases.tasks import SCAN_INTERVAL, deadline_scan_task, ensure_deadline_schedule

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    before = timezone.now()
    assert deadline_scan_task.call() == {"yellow": 0, "red": 0}
    queued = list(DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=deadline_scan_task.module_path))
    assert len(queued) == 1
    assert before + SCAN_INTERVAL <= queued[0].run_after <= timezone.now() + SCAN_INTERVAL
    assert ensure_deadline_schedule() is False  # at most one future run
