"""The decayed running MQL score (macro mql_running_score_ctes) against a direct pairwise sum in
Python, on hand-made instants: with decay, without decay (a null half-life, and no half-life at
all), a single instant, and a partition spanning more half-lives than the one-pass sum takes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from test_dbt_build import run_dbt

START = datetime(2026, 1, 5, 9, 0, 0)

# partition -> (half-life in days or None, [(seconds after START, instant score)])
PARTITIONS = {
    "decay": (7.0, [(0, 10.0), (3600, 5.0), (2 * 86400, 20.0), (9 * 86400 + 17, 1.0), (30 * 86400, 40.0)]),
    "no_decay": (None, [(0, 3.0), (86400, 4.0), (400 * 86400, 5.0)]),
    "single": (2.5, [(12345, 7.0)]),
    # 1,000 days at a half-life of one day: 2 ^ 1000 is past a double, so this one is summed pairwise
    "long_span": (1.0, [(0, 1e6), (500 * 86400, 2.0), (999 * 86400, 3.0), (1000 * 86400, 4.0), (1000 * 86400 + 43200, 8.0)]),
}


def pairwise(half_life, instants, with_decay=True):
    scores = {}
    for at, _ in instants:
        total = 0.0
        for earlier_at, score in instants:
            if earlier_at <= at:
                decay = 1.0 if half_life is None or not with_decay else 0.5 ** ((at - earlier_at) / (half_life * 86400.0))
                total += score * decay
        scores[at] = total
    return scores


def instants_sql():
    rows = []
    for partition, (half_life, instants) in PARTITIONS.items():
        for at, score in instants:
            stamp = (START + timedelta(seconds=at)).strftime("%Y-%m-%d %H:%M:%S")
            rows.append(f"('{partition}', cast('{stamp}' as timestamp), cast({score!r} as double), "
                        f"cast({'null' if half_life is None else repr(half_life)} as double))")
    return "select * from (values " + ", ".join(rows) + ") as t(partition_name, occurred_at, instant_score, half_life_days)"


def show(tmp_path, half_life_argument):
    query = ("with instants as (" + instants_sql() + "), "
             "{{ smarketing.mql_running_score_ctes('scores', 'instants', ['partition_name'], ['half_life_days'], "
             + half_life_argument + ") }} "
             "select partition_name, cast(occurred_at as varchar) as occurred_at, running_score from scores")
    result = run_dbt(["show", "--inline", query, "--limit", "100", "--output", "json", "--log-format", "json"],
                     tmp_path / "warehouse.duckdb", tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    for line in result.stdout.splitlines():
        data = json.loads(line).get("data", {})
        if "preview" in data:
            return {(row["partition_name"], row["occurred_at"]): row["running_score"] for row in json.loads(data["preview"])}
    raise AssertionError(result.stdout[-3000:])


def expected(with_decay):
    out = {}
    for partition, (half_life, instants) in PARTITIONS.items():
        for at, score in pairwise(half_life, instants, with_decay).items():
            out[(partition, (START + timedelta(seconds=at)).strftime("%Y-%m-%d %H:%M:%S"))] = score
    return out


@pytest.mark.parametrize("half_life_argument,with_decay", [("'half_life_days'", True), ("none", False)])
def test_running_scores_equal_the_pairwise_sum(tmp_path, half_life_argument, with_decay):
    shown = show(tmp_path, half_life_argument)
    want = expected(with_decay)
    assert shown.keys() == want.keys()
    for key, value in want.items():
        assert shown[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
    if with_decay:
        # decay is really applied: the 40-point event 28 days after the 20-point one sees a sixteenth of it
        assert shown[("decay", "2026-02-04 09:00:00")] < 40 + 20 / 16 + 1
        # the long-span partition: the first million is gone after 1,000 half-lives
        assert shown[("long_span", "2028-10-01 09:00:00")] == pytest.approx(4 + 3 * 0.5 + 2 * 0.5 ** 500 + 1e6 * 0.5 ** 1000)
