"""Personal data at ingest: the keyed hash person keys are made of, in DuckDB SQL.

The keyed hash is computed in SQL from the secret's HMAC pads in ``ingest.person_key_pads``, which the
pipeline writes before dbt runs (orchestration/person_keys.py); the secret never reaches SQL.
"""

from __future__ import annotations

PADS_RELATION = "ingest.person_key_pads"


def keyed_hash_sql(message_sql: str) -> str:
    """HMAC-SHA256 (lowercase hex) of the text ``message_sql`` under the pads in ``ingest.person_key_pads``:
    the formula of dbt's ``duckdb__keyed_hash``; tests check both against Python's hmac."""
    return (f"sha256((select opad from {PADS_RELATION}) || "
            f"unhex(sha256((select ipad from {PADS_RELATION}) || encode({message_sql}))))")
