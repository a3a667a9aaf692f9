"""Demo data for A1 and C1: cases in several stages, and a second run changes nothing."""

from django.core.management import call_command

from sifa.cases.models import Case, CaseEvent
from sifa.consultation.demo import demo_load as consultation_demo
from sifa.consultation.models import DutyShift, ReviewSample
from sifa.reconsideration.demo import demo_load as reconsideration_demo


def test_demo_is_idempotent(db):
    call_command("demo", verbosity=0)
    first = [c.stage for c in consultation_demo()] + [c.stage for c in reconsideration_demo()]
    counts = (Case.objects.count(), CaseEvent.objects.count(), DutyShift.objects.count(), ReviewSample.objects.count())
    again = [c.stage for c in consultation_demo()] + [c.stage for c in reconsideration_demo()]
    assert first == again == ["assigning", "answering", "answered", "closed", "register", "hearing", "decided"]
    assert (
        Case.objects.count(),
        CaseEvent.objects.count(),
        DutyShift.objects.count(),
        ReviewSample.objects.count(),
    ) == counts
    assert (DutyShift.objects.count(), ReviewSample.objects.count()) == (1, 1)
