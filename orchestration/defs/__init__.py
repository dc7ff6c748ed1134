"""Dagster definitions by concern; orchestration/definitions.py merges them.

- ``ingest``: export files (observed) -> raw tables.
- ``dbt``: raw -> staging -> intermediate -> audited marts, dbt tests as asset checks.
- ``checks``: the Great Expectations quality gates on the audited marts.
- ``publish``: audited marts -> the ``marts`` schema BI tools read.
- ``report``: the funnel report page, written after each publish.
- ``newsletter``: the monthly newsletter job and its schedule.
- ``automation``: the pipeline job, its schedule, the export-drop sensor and the what-if job.

Each module builds its own small ``dg.Definitions`` and nothing else at import.
"""
