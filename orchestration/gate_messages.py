"""How a blocking gate says what is wrong: two lines, the second one the fix.

Every gate (orchestration/quality_checks.py, orchestration/closed_loop_checks.py) ends a failure
with ``gate_message``: the first line says what is wrong, how much and names an example row by its
id; the second starts with ``fix:``. Inline lists stop at ``MAX_LISTED`` items and say how many more
there are. A missing exchange rate, the commonest first-run failure, has one fix text
(``missing_rate_fix``) whichever gate meets it.
"""

from __future__ import annotations

from collections.abc import Sequence

from orchestration.settings import DEFINITIONS_FILE, REPO_ROOT

# The most items an inline list in a gate message names; the rest are counted ("and 3 more").
MAX_LISTED = 10

FIX_PREFIX = "fix: "


def listed(items: Sequence[str], total: int | None = None, separator: str = ", ") -> str:
    """``items`` joined, at most MAX_LISTED of them, then "and N more" for the rest of ``total``
    (default: len(items))."""
    total = len(items) if total is None else total
    shown = list(items)[:MAX_LISTED]
    more = total - len(shown)
    # "a, b and 3 more"; with a separator other than a comma, "a; b; and 3 more".
    joiner = " " if separator == ", " else separator
    return separator.join(shown) + (f"{joiner}and {more:,} more" if more > 0 and shown else "")


def gate_message(headline: str, problems: Sequence[str], fixes: Sequence[str]) -> str:
    """A gate's failure message: ``headline: problem; problem...`` (at most MAX_LISTED problems) on the
    first line, the distinct fixes on the second."""
    first = f"{headline}: " + listed(problems, separator="; ")
    distinct_fixes = list(dict.fromkeys(fixes))
    return first + ("\n" + FIX_PREFIX + "; ".join(distinct_fixes) if distinct_fixes else "")


def definitions_file_name() -> str:
    """The definitions file as the user knows it: relative to the project when it lives there."""
    try:
        return str(DEFINITIONS_FILE.relative_to(REPO_ROOT))
    except ValueError:
        return str(DEFINITIONS_FILE)


def missing_rate_fix(currencies: Sequence[str], reporting_currency: str, first_date: str,
                     only_currency: bool) -> str:
    """The ways to give amounts in ``currencies`` (none of them the reporting currency) a rate on
    every day from ``first_date``. ``only_currency``: they are a single currency, the only one the
    data holds, so reporting in it needs no rate at all."""
    options = []
    if only_currency and len(currencies) == 1:
        options.append(f"set `reporting.currency: {currencies[0]}` in {definitions_file_name()}")
    options.append(f"add {listed(currencies)} rates against {reporting_currency} from {first_date} to "
                   f"spend/fx_rates.csv (date,base_currency,currency,rate, e.g. "
                   f"{first_date},{reporting_currency},{currencies[0]},<rate>)")
    options.append(f"export DatedConversionRate.csv from Salesforce covering {first_date} "
                   "(read when spend/fx_rates.csv is absent)")
    return ", or ".join(options)
