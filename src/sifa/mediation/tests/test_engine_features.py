"""Deadlines, satisfaction and follow-up come from the case engine (not copies)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sifa.cases.models import FollowUp
from sifa.cases.services import case_rate, case_transition
from sifa.cases.supervision import deadline_scan
from sifa.mediation import services


@pytest.mark.django_db
def test_overdue_mediation_turns_red(towns, file_dispute) -> None:
    case = file_dispute()
    services.dispute_assign(actor=towns["b"]["clerk"], case_id=case.pk)
    case = case_transition(actor=towns["b"]["mediator"], case_id=case.pk, transition="accept")
    assert case.clock_stage == "mediating"
    # 30 calendar days (《人民调解工作若干规定》: generally concluded within a month).
    assert 29 <= (case.deadline_at - timezone.now()).days <= 30
    deadline_scan(now=case.deadline_at + timedelta(minutes=1))
    case.refresh_from_db()
    assert case.alert == "red"


@pytest.mark.django_db
def test_rating_below_satisfied_opens_a_follow_up(towns, file_dispute, citizen) -> None:
    case = file_dispute()
    case_transition(actor=citizen, case_id=case.pk, transition="withdraw", data={"reason": "已和解"})
    case_rate(actor=citizen, case_id=case.pk, score="basic", comment="受理慢")
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.organisation == towns["b"]["committee"]
    assert follow_up.status == "open"
