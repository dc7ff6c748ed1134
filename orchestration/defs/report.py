"""The funnel report, written after each publish (orchestration/report.py).

A report that cannot be written never un-publishes the marts: the asset logs a warning, records why in
its metadata, and the run's summary shows it as a warning; the exit code stays the publish's.
"""

import dagster as dg

from orchestration.publish import PUBLISHED_SCHEMA, audited_marts
from orchestration.resources import WarehouseResource

REPORT_KEY = dg.AssetKey(["reports", "funnel_report"])
REPORT_FILE = "funnel-report.html"


def report_path(warehouse: WarehouseResource):
    """``reports/funnel-report.html`` beside the published file."""
    return warehouse.published_path().parent / "reports" / REPORT_FILE


@dg.asset(
    key=REPORT_KEY,
    deps=[dg.AssetKey([PUBLISHED_SCHEMA, name]) for _, name, _ in audited_marts()],
    group_name="reports",
    kinds={"html"},
    description="The funnel report of the latest month with activity, one self-contained HTML page read from the "
                "published marts (`smarketing report` writes any month, in English or Spanish).",
)
def funnel_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    from orchestration.report import write_report

    out = report_path(warehouse)
    try:
        written, month = write_report(warehouse.published_path(), out)
    except Exception as exc:  # the marts are published: a report problem is a warning, never a failure
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        context.log.warning(f"the funnel report was not written: {first}")
        return dg.MaterializeResult(metadata={"written": False, "warning": first})
    return dg.MaterializeResult(metadata={"written": True, "path": dg.MetadataValue.path(str(written)),
                                          "month": month})


defs = dg.Definitions(assets=[funnel_report])
