from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sifa.cases.supervision import deadline_scan
from sifa.cases.tasks import ensure_deadline_schedule


class Command(BaseCommand):
    help = "Run the deadline scan now (cases turn yellow/red, handlers and supervisors are notified)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schedule", action="store_true", help="only make sure the periodic scan is queued")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            queued = ensure_deadline_schedule()
            self.stdout.write(
                "deadline scan queued" if queued else "deadline scan already queued (or no deferring backend)"
            )
            return
        result = deadline_scan()
        self.stdout.write(f"yellow: {len(result.yellow)}  red: {len(result.red)}")
