"""Working days: Monday-Friday, minus public holidays, plus adjusted working days (调休上班).

The dates are data (`data/holidays.toml`); a year marked provisional is still used, and reported by
`provisional_years()` so the board can say so. Deadlines end at 24:00 Asia/Shanghai of their last day.
"""

import tomllib
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOLIDAYS_FILE = Path(__file__).parent / "data" / "holidays.toml"


class Calendar:
    def __init__(self, holidays: set[date], workdays: set[date], provisional: set[int]) -> None:
        self.holidays = holidays
        self.workdays = workdays
        self.provisional = provisional

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (the start day itself does not count)."""
        day = start
        left = days
        while left > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


@cache
def calendar() -> Calendar:
    raw = tomllib.loads(HOLIDAYS_FILE.read_text(encoding="utf-8"))
    holidays: set[date] = set()
    workdays: set[date] = set()
    provisional: set[int] = set()
    for year, table in raw.items():
        holidays |= {date.fromisoformat(d) for d in table.get("holidays", [])}
        workdays |= {date.fromisoformat(d) for d in table.get("workdays", [])}
        if table.get("status") != "published":
            provisional.add(int(year))
    return Calendar(holidays, workdays, provisional)


def end_of_day(day: date) -> datetime:
    """24:00 of `day` in Shanghai (as the first instant of the next day)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI)


def local_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def due(start: datetime, days: int, kind: str) -> datetime:
    """Deadline `days` calendar or working days after `start` (end of that day)."""
    day = local_date(start)
    last = calendar().add_working_days(day, days) if kind == "working" else day + timedelta(days=days)
    return end_of_day(last)


def warn_from(deadline: datetime, days: int, kind: str) -> datetime:
    """When a case turns yellow: `days` calendar or working days before its deadline."""
    last = local_date(deadline - timedelta(microseconds=1))
    day = last
    left = days
    while left > 0:
        day -= timedelta(days=1)
        if kind != "working" or calendar().is_working_day(day):
            left -= 1
    return end_of_day(day) if days else end_of_day(last)


def shift(deadline: datetime, paused_at: datetime, resumed_at: datetime, kind: str) -> datetime:
    """The deadline after a pause: pushed back by the calendar time or working days paused."""
    if kind != "working":
        return deadline + (resumed_at - paused_at)
    days = calendar().working_days_between(local_date(paused_at), local_date(resumed_at))
    return end_of_day(calendar().add_working_days(local_date(deadline - timedelta(microseconds=1)), days))
