"""The Dagster definitions are built from the prepared dbt manifest: prepare it once per session
when dbt files changed since the last `smarketing prepare`."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def prepared_dbt_manifest():
    from orchestration.dbt_project import prepare_dbt_project

    return prepare_dbt_project(only_if_stale=True)
