"""The what-if job: the funnel under a proposed definitions file, compared with the published one."""

# No `from __future__ import annotations`: Dagster reads the op's config class from its annotation.
import datetime as dt

import dagster as dg
from pydantic import Field

from orchestration.resources import WAREHOUSE_POOL, WarehouseResource

WHAT_IF_JOB_NAME = "smarketing_what_if"


class WhatIfConfig(dg.Config):
    proposed_file: str = Field(
        description="Path of the proposed definitions file (same format as the governed one)."
    )
    as_of: str | None = Field(
        default=None,
        description="Evaluate the version in force on this date (YYYY-MM-DD); default today, or the file's "
                    "latest effective_from when later.",
    )


@dg.op(
    pool=WAREHOUSE_POOL,
    description="Rebuild the funnel on a scratch copy of the warehouse with the proposed definitions and store "
                "the comparison with the published funnel in whatif.comparison.",
)
def evaluate_proposed_definitions(
    context: dg.OpExecutionContext, config: WhatIfConfig, warehouse: WarehouseResource
) -> dg.Output[str]:
    from orchestration.funnel_definitions import DefinitionsError
    from orchestration.what_if import COMPARISON_TABLE, WhatIfError, run_what_if

    try:
        as_of = dt.date.fromisoformat(config.as_of) if config.as_of else None
        result = run_what_if(config.proposed_file, warehouse.resolved_path(), run_id=context.run_id,
                             as_of=as_of, log=context.log.info)
    except DefinitionsError as exc:
        raise dg.Failure(description=f"the proposed definitions are invalid: {exc}") from None
    except (WhatIfError, ValueError) as exc:
        raise dg.Failure(description=str(exc)) from None
    report = result.report()
    context.log.info("\n" + report)
    total = result.rows_for("total")[0]
    return dg.Output(
        report,
        metadata={
            "comparison_table": COMPARISON_TABLE,
            "proposed_file": str(result.proposed_file),
            "proposed_file_sha256": result.proposed_sha256,
            "proposed_version": result.proposed_version,
            "current_version": result.current_version,
            "mqls_delta": int(total["mqls_delta"]),
            "sqls_delta": int(total["sqls_delta"]),
            "report": dg.MetadataValue.md(f"```\n{report}\n```"),
        },
    )


@dg.job(
    name=WHAT_IF_JOB_NAME,
    description="What-if: how a proposed definitions file would change MQLs, SQLs and MQL->SQL conversion by "
                "month, channel, source and region. Publishes nothing; stores the comparison in "
                "whatif.comparison.",
    executor_def=dg.in_process_executor,
)
def smarketing_what_if():
    evaluate_proposed_definitions()


defs = dg.Definitions(jobs=[smarketing_what_if])
