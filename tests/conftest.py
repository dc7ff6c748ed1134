"""Every pipeline run in the tests hashes person keys with the demo company's secret
(SMARKETING_KEY_SECRET), so the keys in the marts equal the ones the demo's ground truth holds.
Tests of the key file itself unset it (tests/orchestration/test_person_keys.py).

The suite runs on every core (pytest-xdist, `--numprocesses` in pyproject.toml). A worker takes a
whole test file at a time, so a file's module fixtures are built once; the files that read one
session-wide warehouse (SHARED_WAREHOUSES) go to one worker together, so that warehouse is built
once too. The folders of whole pipeline runs and dbt builds are handed out first, so no worker is
left with a long file at the end while the other waits.
"""

from __future__ import annotations

import pytest

from demo_company.oracle import DEMO_KEY_SECRET
from orchestration.person_keys import SECRET_ENV

# A session fixture that builds a warehouse, and the test files that use it (run by one worker).
SHARED_WAREHOUSES = {
    "published_small_demo": ("tests/e2e/test_demo_pipeline.py", "tests/e2e/test_report.py",
                             "tests/e2e/test_newsletter.py"),
    "demo_build": ("tests/dbt/test_dbt_build.py", "tests/dbt/test_dbt_plans.py"),
}
_SHARED_BY = {"cli_small_demo": "published_small_demo"}   # a fixture the shared one is built from
_HEAVY_FIRST = ("tests/e2e/", "tests/dbt/")   # whole pipeline runs, then dbt builds, then the rest


def _file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def work_unit(nodeid: str) -> str:
    """What one worker runs together: the test's file, or the group of files sharing its warehouse."""
    path = _file(nodeid)
    return next((name for name, files in SHARED_WAREHOUSES.items() if path in files), path)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture in item.fixturenames:
            shared = _SHARED_BY.get(fixture, fixture)
            if shared in SHARED_WAREHOUSES and work_unit(item.nodeid) != shared:
                raise pytest.UsageError(f"{_file(item.nodeid)} uses the session warehouse {shared}: add it to "
                                        "SHARED_WAREHOUSES in tests/conftest.py so one worker builds it once")
    items.sort(key=lambda item: next((i for i, folder in enumerate(_HEAVY_FIRST) if item.nodeid.startswith(folder)),
                                     len(_HEAVY_FIRST)))


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class WorkUnitScheduling(LoadScopeScheduling):
        """xdist's scope scheduling over work_unit(), in collection order (heavy folders first)."""

        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False
    return WorkUnitScheduling(config, log)


@pytest.fixture(scope="session", autouse=True)
def demo_person_key_secret():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SECRET_ENV, DEMO_KEY_SECRET)
        yield DEMO_KEY_SECRET
