"""The data-driven attribution credits (int_attribution_markov_credits, int_attribution_shapley_credits)
against independent implementations in Python, on hand-made journey sets.

Each case writes its journeys as the relation the credit models read (int_attribution_journey_touches)
into a fresh warehouse and builds only the models downstream of it. The expected credits come from:

- Markov: the absorbing chain of every transition of the journeys (repeats of a channel included, as
  self-loops), its absorption probabilities solved with NumPy (fundamental matrix), and the removal
  effect of each channel (transitions into it go to null), normalised to sum 1;
- Shapley: the exact Shapley value of every channel, averaging its marginal contribution over all
  orders of the channels (itertools.permutations), with v(S) = the converting journeys whose channels
  all lie in S, normalised to sum 1.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta
from math import factorial
from pathlib import Path

import duckdb
import numpy as np
import pytest
import yaml

from test_dbt_build import DEFINITIONS, run_dbt

# case -> [(converts, [channel of each touch, in time order])]
CASES = {
    # X is only on journeys that do not convert, and nothing follows it but X: no credit from either model
    "only_in_non_converting": [
        (True, ["Search", "Email"]),
        (True, ["Email"]),
        (False, ["Search", "X"]),
        (False, ["Search", "X", "X"]),
        (False, ["X"]),
        (True, ["Search"]),
    ],
    # Y is only on journeys that do not convert, but leads into Search, which converts elsewhere:
    # Shapley gives it nothing; the memoryless Markov chain credits it (start -> Y -> Search -> conversion)
    "non_converting_channel_before_a_converting_one": [
        (True, ["Search", "Email"]),
        (True, ["Email"]),
        (False, ["Y", "Search"]),
        (False, ["Search", "Y", "Y"]),
        (False, ["Y"]),
        (True, ["Search"]),
    ],
    # A and B always appear together, symmetrically: equal credit
    "always_together": [
        (True, ["A", "B"]),
        (True, ["B", "A"]),
        (False, ["A", "B", "C"]),
        (False, ["B", "A", "C"]),
        (True, ["C"]),
        (False, ["C"]),
        (True, ["C", "A", "B"]),
        (True, ["C", "B", "A"]),
    ],
    # one channel: it gets everything
    "single_channel": [
        (True, ["Events", "Events"]),
        (False, ["Events"]),
        (True, ["Events"]),
    ],
    # repeats, cycles between channels and journeys of different lengths
    "mixed": [
        (True, ["Search", "Email", "Search", "Events"]),
        (True, ["Social", "Search"]),
        (True, ["Email", "Email", "Sales"]),
        (False, ["Social", "Social"]),
        (False, ["Search", "Social", "Email"]),
        (True, ["Sales"]),
        (False, ["Email", "Search", "Email", "Search"]),
        (True, ["Events", "Sales", "Events", "Sales", "Email"]),
        (False, ["Sales", "Social"]),
        (False, ["Events"]),
        (True, ["Social", "Email", "Events", "Search", "Sales"]),
    ],
}

START = datetime(2026, 3, 2, 9, 0, 0)


def markov_credits(journeys) -> dict[str, float]:
    channels = sorted({c for _, path in journeys for c in path})
    states = ["start", *channels, "conversion", "null"]
    index = {s: i for i, s in enumerate(states)}
    counts = np.zeros((len(states), len(states)))
    for converts, path in journeys:
        walk = ["start", *path, "conversion" if converts else "null"]
        for a, b in zip(walk, walk[1:]):
            counts[index[a], index[b]] += 1

    def conversion_probability(removed: str | None) -> float:
        moved = counts.copy()
        if removed is not None:
            r = index[removed]
            moved[:, index["null"]] += moved[:, r]
            moved[:, r] = 0
            moved[r, :] = 0
        transient = [index["start"]] + [index[c] for c in channels if c != removed]
        rows = moved[transient]
        totals = rows.sum(axis=1, keepdims=True)
        probabilities = np.divide(rows, totals, out=np.zeros_like(rows), where=totals > 0)
        q = probabilities[:, transient]
        absorbed = np.linalg.solve(np.eye(len(transient)) - q, probabilities[:, index["conversion"]])
        return float(absorbed[0])

    base = conversion_probability(None)
    effects = {c: 1 - conversion_probability(c) / base for c in channels}
    total = sum(effects.values())
    return {c: effect / total for c, effect in effects.items()}


def shapley_credits(journeys) -> dict[str, float]:
    channels = sorted({c for _, path in journeys for c in path})
    converting_sets = [frozenset(path) for converts, path in journeys if converts]

    def value(coalition: frozenset) -> int:
        return sum(1 for needed in converting_sets if needed <= coalition)

    shapley = dict.fromkeys(channels, 0.0)
    for order in itertools.permutations(channels):
        before: frozenset = frozenset()
        for channel in order:
            shapley[channel] += value(before | {channel}) - value(before)
            before = before | {channel}
    orders = factorial(len(channels))
    return {c: s / orders / len(converting_sets) for c, s in shapley.items()}


def journey_rows(journeys):
    for number, (converts, path) in enumerate(journeys, start=1):
        for position, channel in enumerate(path, start=1):
            # touches of one journey at the same instant in pairs: the touch_id breaks the tie
            yield (f"journey:{number}", "account", converts, f"t{number:03d}_{position:03d}",
                   START + timedelta(days=number, hours=(position - 1) // 2), channel, position, len(path) - position + 1)


def data_driven_vars(min_journeys: int) -> str:
    definitions = json.loads(json.dumps(yaml.safe_load(DEFINITIONS.read_text(encoding="utf-8")), default=str))
    for version in definitions["versions"]:
        version["attribution"]["models"] = {"markov": {"method": "markov"}, "shapley": {"method": "shapley"}}
        version["attribution"]["data_driven"] = {"conversion": "won_opportunity", "state": "channel",
                                                 "min_journeys": min_journeys, "min_converting_journeys": 1}
    return json.dumps({"funnel_definitions": definitions})


def build_credits(work: Path, journeys, min_journeys: int = 1) -> dict[str, dict[str, float]]:
    warehouse = work / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema intermediate")
        con.execute("create table intermediate.int_attribution_journey_touches (journey_id varchar, journey_kind varchar, "
                    "is_converting boolean, touch_id varchar, touch_at timestamp, state varchar, touch_sequence bigint, "
                    "reverse_sequence bigint)")
        con.executemany("insert into intermediate.int_attribution_journey_touches values (?, ?, ?, ?, ?, ?, ?, ?)",
                        list(journey_rows(journeys)))
    result = run_dbt(["run", "--select", "int_attribution_state_transitions", "int_attribution_markov_credits",
                      "int_attribution_shapley_credits", "--vars", data_driven_vars(min_journeys)],
                     warehouse, work, with_definitions=False)
    assert result.returncode == 0, result.stdout[-5000:]
    credits: dict[str, dict[str, float]] = {"markov": {}, "shapley": {}}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for model in ("markov", "shapley"):
            for method, state, credit in con.execute(
                    f"select attribution_method, state, credit from intermediate.int_attribution_{model}_credits").fetchall():
                credits[method][state] = credit
    return credits


@pytest.mark.parametrize("case", sorted(CASES))
def test_credits_equal_the_independent_implementations(tmp_path, case):
    journeys = CASES[case]
    built = build_credits(tmp_path, journeys)
    expected = {"markov": markov_credits(journeys), "shapley": shapley_credits(journeys)}
    for model, want in expected.items():
        assert set(built[model]) == set(want), model
        for channel, credit in want.items():
            assert built[model][channel] == pytest.approx(credit, abs=1e-9), (model, channel)
        assert sum(built[model].values()) == pytest.approx(1, abs=1e-9), model
    if case == "only_in_non_converting":
        assert built["markov"]["X"] == 0 and built["shapley"]["X"] == 0
    if case == "non_converting_channel_before_a_converting_one":
        assert built["shapley"]["Y"] == 0 and built["markov"]["Y"] > 0.1
    if case == "always_together":
        for model in expected:
            assert built[model]["A"] == pytest.approx(built[model]["B"], abs=1e-12), model
            assert built[model]["A"] > 0 and built[model]["C"] > 0, model
    if case == "single_channel":
        assert built == {"markov": {"Events": 1}, "shapley": {"Events": 1}}
    if case == "mixed":
        # the two methods really differ here, so neither can pass for the other
        assert max(abs(built["markov"][c] - built["shapley"][c]) for c in built["markov"]) > 1e-3


def test_below_the_minimum_journey_count_no_credit_is_learnt(tmp_path):
    journeys = CASES["mixed"]
    assert build_credits(tmp_path, journeys, min_journeys=len(journeys) + 1) == {"markov": {}, "shapley": {}}
