"""Marketing's MQL plan for the demo company: a monthly target for all regions and one per sales region.

The plan starts with the simulation and runs to the end of the as-of year, growing by one MQL a
month; each region's share is fixed. It is the company's own file (``targets/mql_targets.csv``),
not a vendor export.
"""

from __future__ import annotations

from datetime import date

from . import clock
from .records import MqlTarget

FIRST_MONTH_TARGET = 14
MONTHLY_GROWTH = 1
REGION_SHARES = {"Europe": 0.5, "Latin America": 0.25, "North America": 0.25}


def mql_plan() -> list[MqlTarget]:
    targets = []
    year, month, index = clock.SIM_START.year, clock.SIM_START.month, 0
    while (year, month) <= (clock.AS_OF.year, 12):
        first = date(year, month, 1)
        total = FIRST_MONTH_TARGET + MONTHLY_GROWTH * index
        targets.append(MqlTarget(first, None, total))
        targets += [MqlTarget(first, region, round(total * share)) for region, share in REGION_SHARES.items()]
        year, month, index = (year + 1, 1, index + 1) if month == 12 else (year, month + 1, index + 1)
    return targets
