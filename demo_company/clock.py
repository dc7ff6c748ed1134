"""Simulation calendar: the "as of" instant, whole-minute UTC times and local business hours.

The company's history is written once, in the calendar that ends on ``CANONICAL_AS_OF`` (the catalog's
campaigns, webinars, events, hires). A drop generated as of another day moves that history by whole
weeks (weekdays, and so business hours, stay as written) so it ends just before the requested day:
the exports run up to the day before ``AS_OF`` and the current month is the one being lived, never an
empty, completed one. ``as_of(day)`` sets the calendar for one generation; the module's names below are
read at call time (``clock.AS_OF``), never copied at import.

Local times use each zone's standard offset plus the EU / US daylight-saving rules, computed here
rather than from the system's tz database so the same seed gives the same bytes on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TypeVar

CANONICAL_AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
_CANONICAL_SIM_START = date(2025, 1, 1)
_CANONICAL_HISTORY_START = date(2024, 1, 1)

AS_OF = CANONICAL_AS_OF
SHIFT = timedelta(0)           # how far the catalog's dates move: whole weeks
# The weekly full exports of the biggest objects were taken a week earlier; what changed since then
# arrives as incremental exports dated AS_OF.
PREVIOUS_EXPORT_AT = AS_OF - timedelta(days=7)
SIM_START = datetime(2025, 1, 1, tzinfo=UTC)
HISTORY_START = date(2024, 1, 1)  # migrated customer records and exchange rates begin here

Moment = TypeVar("Moment", date, datetime)


def shifted(moment: Moment) -> Moment:
    """A date or instant of the catalog's calendar, moved into the calendar in force."""
    return moment + SHIFT


def _set(day: date) -> None:
    global AS_OF, SHIFT, PREVIOUS_EXPORT_AT, SIM_START, HISTORY_START
    AS_OF = datetime(day.year, day.month, day.day, tzinfo=UTC)
    SHIFT = timedelta(weeks=(day - CANONICAL_AS_OF.date()).days // 7)
    PREVIOUS_EXPORT_AT = AS_OF - timedelta(days=7)
    start = month_start(_CANONICAL_SIM_START + SHIFT)
    SIM_START = datetime(start.year, start.month, start.day, tzinfo=UTC)
    HISTORY_START = month_start(_CANONICAL_HISTORY_START + SHIFT)


@contextmanager
def as_of(day: date) -> Iterator[None]:
    """The calendar of a company whose exports were taken at the start of `day` (UTC), for one generation."""
    previous = AS_OF.date()
    _set(day)
    try:
        yield
    finally:
        _set(previous)

# zone -> (standard UTC offset in hours, daylight-saving rule)
ZONES = {
    "Europe/Madrid": (1, "eu"),
    "Europe/Berlin": (1, "eu"),
    "Europe/London": (0, "eu"),
    "America/New_York": (-5, "us"),
    "America/Mexico_City": (-6, None),
    "America/Bogota": (-5, None),
    "America/Argentina/Buenos_Aires": (-3, None),
}


def whole_minute(instant: datetime) -> datetime:
    return instant.replace(second=0, microsecond=0)


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    first_sunday = first + timedelta(days=(6 - first.weekday()) % 7)
    return first_sunday + timedelta(weeks=n - 1)


@lru_cache(maxsize=64)
def _daylight_saving_period(rule: str, standard_offset: int, year: int) -> tuple[datetime, datetime]:
    midnight = datetime.min.time()
    if rule == "eu":  # last Sunday of March 01:00 UTC .. last Sunday of October 01:00 UTC
        return (datetime.combine(_last_sunday(year, 3), midnight, UTC) + timedelta(hours=1),
                datetime.combine(_last_sunday(year, 10), midnight, UTC) + timedelta(hours=1))
    # us: second Sunday of March 02:00 local standard time .. first Sunday of November 02:00 local summer time
    return (datetime.combine(_nth_sunday(year, 3, 2), midnight, UTC) + timedelta(hours=2 - standard_offset),
            datetime.combine(_nth_sunday(year, 11, 1), midnight, UTC) + timedelta(hours=1 - standard_offset))


def _in_daylight_saving(rule: str | None, standard_offset: int, instant: datetime) -> bool:
    if rule is None:
        return False
    start, end = _daylight_saving_period(rule, standard_offset, instant.year)
    return start <= instant < end


def utc_offset(zone: str, instant: datetime) -> timedelta:
    standard, rule = ZONES[zone]
    return timedelta(hours=standard + (1 if _in_daylight_saving(rule, standard, instant) else 0))


def local_time(zone: str, instant: datetime) -> datetime:
    """The wall-clock time in `zone` (naive) of a UTC instant."""
    return (instant + utc_offset(zone, instant)).replace(tzinfo=None)


def local_date(zone: str, instant: datetime) -> date:
    return local_time(zone, instant).date()


def at_local(zone: str, day: date, hour: int, minute: int) -> datetime:
    """The UTC instant of a local wall-clock time (offset taken at noon UTC of that day)."""
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    naive = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
    return naive - utc_offset(zone, noon)


def is_working_time(zone: str, instant: datetime) -> bool:
    local = local_time(zone, instant)
    return local.weekday() < 5 and 8 <= local.hour < 19


def next_working_time(zone: str, instant: datetime, rng: random.Random) -> datetime:
    """`instant` itself during working hours, else a moment early in the next working morning."""
    if is_working_time(zone, instant):
        return instant
    day = local_time(zone, instant).date()
    if local_time(zone, instant).hour >= 8:
        day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return at_local(zone, day, 8, 0) + timedelta(minutes=rng.randint(5, 150))


def business_moment(zone: str, day: date, rng: random.Random, off_hours_share: float = 0.12) -> datetime:
    """A plausible time on `day` for a person in `zone` to act: mostly office hours, some evenings."""
    if rng.random() < off_hours_share:
        hour = rng.choice((7, 20, 21, 22, 23))
    else:
        hour = min(18, max(8, int(rng.gauss(12.5, 2.6))))
    return at_local(zone, day, hour, rng.randrange(60))


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def days_between(start: date, end: date) -> list[date]:
    """Every date from start to end inclusive."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
