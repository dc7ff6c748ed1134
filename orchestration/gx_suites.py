"""What every quality gate shares: its outcome, the Great Expectations run and the metadata table.

A gate builds a small aggregate frame with SQL and validates it with a GX expectation suite on a
pandas batch (GX's SQL datasource does not work on DuckDB out of the box; aggregates are small).
GX is imported on first use: it takes seconds (see orchestration/gate_warm_up.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class GateOutcome:
    passed: bool
    summary: str
    failing_rows: list[dict]
    frame: pd.DataFrame


def suite_passes(frame: pd.DataFrame, asset: str, suite_name: str, expectations: Sequence[Any]) -> bool:
    """Validate ``frame`` with a suite of ``expectations`` in an ephemeral GX context."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("quality_gates")
        .add_dataframe_asset(asset)
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    return bool(batch.validate(gx.ExpectationSuite(name=suite_name, expectations=list(expectations))).success)


def markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])
