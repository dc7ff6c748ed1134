"""The monthly newsletter: a job writing one month's newsletter (orchestration/newsletter.py) and the
schedule that runs it for the month just ended, on the first day of each month after the daily run.

It only reads the published file (aggregates), so it takes no warehouse pool slot and never blocks a
pipeline run; a month it cannot write fails the run with the CLI's message.
"""

# No `from __future__ import annotations`: Dagster reads the op's config class from its annotation.
import dagster as dg
from pydantic import Field

from orchestration.resources import WarehouseResource

NEWSLETTER_JOB_NAME = "smarketing_newsletter"
NEWSLETTER_FOLDER = "newsletters"


class NewsletterConfig(dg.Config):
    month: str | None = Field(default=None, description="Newsletter month, YYYY-MM; default last month in the "
                                                        "reporting time zone.")
    lang: str = Field(default="en", description="Language: en or es.")
    out_dir: str | None = Field(default=None, description="Folder to write into; default `reports/newsletters` "
                                                          "beside the published file.")


def newsletter_folder(warehouse: WarehouseResource):
    """``reports/newsletters`` beside the published file."""
    return warehouse.published_path().parent / "reports" / NEWSLETTER_FOLDER


@dg.op(description="Write the month's newsletter (HTML and Markdown) from the published marts.")
def write_monthly_newsletter(context: dg.OpExecutionContext, config: NewsletterConfig,
                             warehouse: WarehouseResource) -> dg.Output[str]:
    from orchestration.newsletter import NewsletterError, last_month_in_reporting_time, write_newsletter

    try:
        month = config.month or last_month_in_reporting_time()
        page, markdown = write_newsletter(warehouse.published_path(), config.out_dir or newsletter_folder(warehouse),
                                          month, config.lang)
    except NewsletterError as exc:
        raise dg.Failure(description=str(exc)) from None
    context.log.info(f"wrote the newsletter of {month} to {page} and {markdown}")
    return dg.Output(str(page), metadata={"month": month, "html": dg.MetadataValue.path(str(page)),
                                          "markdown": dg.MetadataValue.path(str(markdown))})


@dg.job(name=NEWSLETTER_JOB_NAME, description="Write one month's newsletter from the published marts.",
        executor_def=dg.in_process_executor)
def smarketing_newsletter():
    write_monthly_newsletter()


@dg.schedule(
    name="smarketing_monthly_newsletter",
    job=smarketing_newsletter,
    cron_schedule="0 7 1 * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="On the first of each month at 07:00 UTC (after the daily run), the newsletter of the month just "
                "ended.",
)
def monthly_newsletter_schedule(context: dg.ScheduleEvaluationContext):
    from orchestration.newsletter import last_month

    month = last_month(context.scheduled_execution_time.date())
    return dg.RunRequest(run_key=month, run_config={"ops": {"write_monthly_newsletter": {"config": {"month": month}}}})


defs = dg.Definitions(jobs=[smarketing_newsletter], schedules=[monthly_newsletter_schedule])
