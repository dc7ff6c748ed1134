"""Every pipeline run in the tests hashes person keys with the demo company's secret
(SMARKETING_KEY_SECRET), so the keys in the marts equal the ones the demo's ground truth holds.
Tests of the key file itself unset it (tests/orchestration/test_person_keys.py)."""

import pytest

from demo_company.oracle import DEMO_KEY_SECRET
from orchestration.person_keys import SECRET_ENV


@pytest.fixture(scope="session", autouse=True)
def demo_person_key_secret():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SECRET_ENV, DEMO_KEY_SECRET)
        yield DEMO_KEY_SECRET
