"""dbt's person keys are HMAC-SHA256 under the warehouse's secret: equal to Python's hmac under each of
two secrets, different between them, and equal to no md5 of the email (an unkeyed hash anyone can
recompute from a list of candidate emails)."""

from __future__ import annotations

import hashlib
import hmac
import json

from test_dbt_build import run_dbt

EMAIL = "ann.lee@acme.com"
SHOW = (
    "select {{ email_person_key(\"'" + EMAIL + "'\") }} as email_key, "
    "{{ person_key('null', \"'salesforce'\", \"'lead'\", \"'00Q5g000001'\") }} as record_key"
)


def shown(result) -> dict:
    assert result.returncode == 0, result.stdout[-3000:]
    return json.loads(result.stdout[result.stdout.index("{"):])["show"][0]


def test_person_keys_are_hmacs_under_the_secret_and_no_md5(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    first, second = b"first secret of this warehouse", b"x" * 100  # longer than a SHA-256 block: hashed first
    built = run_dbt(["run", "--select", "stg_ingest__person_key_pads"], warehouse, tmp_path, key_secret=first)
    assert built.returncode == 0, built.stdout[-3000:]
    keys = {}
    for secret in (first, second):
        keys[secret] = shown(run_dbt(["show", "--output", "json", "-q", "--inline", SHOW], warehouse, tmp_path,
                                     key_secret=secret))
        assert keys[secret] == {
            "email_key": hmac.new(secret, f"email:{EMAIL}".encode(), hashlib.sha256).hexdigest(),
            "record_key": hmac.new(secret, b"salesforce_lead:00Q5g000001", hashlib.sha256).hexdigest(),
        }
    assert keys[first]["email_key"] != keys[second]["email_key"]
    md5s = {hashlib.md5(text.encode()).hexdigest() for text in (EMAIL, f"email:{EMAIL}")}
    assert not md5s & {key[:32] for pair in keys.values() for key in pair.values()}
