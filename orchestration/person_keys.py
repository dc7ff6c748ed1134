"""Person keys are keyed hashes: HMAC-SHA256 of ``'email:' || email`` under a secret of this warehouse.

An unkeyed hash of an email is reversible by anyone with a list of candidate emails (hash each one,
compare). Under a secret key it is not, and with the same secret the keys stay the same run after run.

- The secret is ``SMARKETING_KEY_SECRET`` when set (the same text on several machines gives the same
  keys), else the text in ``.work/<warehouse name>.key`` beside the published file, created on first
  use with 256 random bits and mode 0600. It is never written into the published file, into SQL text
  or into dbt's logs.
- dbt computes the keys (macro ``keyed_hash``). DuckDB has ``sha256`` but no HMAC, so the macro builds
  HMAC from two ``sha256`` calls over the derived inner and outer pads (RFC 2104), which the pipeline
  writes into ``ingest.person_key_pads`` of the working file before dbt starts (``write_pads``).
- The keyed hash of an email is also what the suppression list holds (``smarketing forget``).

Losing the key file changes every person key, and the suppression list can no longer recognise the
people it holds: back it up with the warehouse (README, "Personal data").
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import duckdb

from ingest import personal_data
from orchestration import settings

SECRET_ENV = "SMARKETING_KEY_SECRET"
PADS_SCHEMA = "ingest"
PADS_RELATION = personal_data.PADS_RELATION
_BLOCK_SIZE = 64  # SHA-256's block size in bytes


class KeySecretError(RuntimeError):
    """The secret cannot be read or created; the message says where and why."""


def key_path(published: Path) -> Path:
    """The key file of the warehouse ``published``: beside its working files, never inside a DuckDB file."""
    return settings.key_path(Path(published))


def load_or_create_secret(published: Path) -> bytes:
    """The secret of the warehouse ``published``: ``SMARKETING_KEY_SECRET``, else its key file (created
    on first use, mode 0600)."""
    from_env = os.environ.get(SECRET_ENV)
    if from_env is not None:
        if not from_env.strip():
            raise KeySecretError(f"${SECRET_ENV} is set but empty: set it to the shared secret, or unset it "
                                 f"to use the key file {key_path(published)}")
        return from_env.encode("utf-8")
    path = key_path(published)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        text = path.read_text(encoding="utf-8").strip()
        if not text:
            raise KeySecretError(f"the key file {path} is empty: restore it from its backup (every person key "
                                 f"depends on it), or remove it to start with new keys") from None
        return text.encode("utf-8")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_hex(32) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def pads(secret: bytes) -> tuple[bytes, bytes]:
    """HMAC's inner and outer pads of ``secret`` (RFC 2104 with SHA-256)."""
    key = hashlib.sha256(secret).digest() if len(secret) > _BLOCK_SIZE else secret
    key = key.ljust(_BLOCK_SIZE, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def key_id(secret: bytes) -> str:
    """A short fingerprint of ``secret`` that tells one key from another and reveals nothing of it."""
    return hmac.new(secret, b"smarketing person key id", hashlib.sha256).hexdigest()[:16]


def person_key_of_email(secret: bytes, email: str) -> str:
    """The person key of a normalised email, as dbt computes it: HMAC-SHA256(secret, 'email:' || email)."""
    return hmac.new(secret, ("email:" + email).encode("utf-8"), hashlib.sha256).hexdigest()


def write_pads(con: duckdb.DuckDBPyConnection, secret: bytes) -> bool:
    """Put the pads of ``secret`` into ``ingest.person_key_pads`` (one row); whether the key changed
    since the pads were last written (a lost or replaced key file, another ``SMARKETING_KEY_SECRET``)."""
    inner, outer = pads(secret)
    new_id = key_id(secret)
    con.execute(f"create schema if not exists {PADS_SCHEMA}")
    con.execute(f"create table if not exists {PADS_RELATION} (ipad blob not null, opad blob not null, "
                "key_id varchar not null)")
    previous = {row[0] for row in con.execute(f"select key_id from {PADS_RELATION}").fetchall()}
    if previous == {new_id}:
        return False
    con.execute(f"delete from {PADS_RELATION}")
    con.execute(f"insert into {PADS_RELATION} values (?, ?, ?)", [inner, outer, new_id])
    return bool(previous)


def write_pads_to(database: Path, secret: bytes) -> bool:
    """``write_pads`` on the DuckDB file ``database`` (opened and closed here)."""
    with duckdb.connect(str(database)) as con:
        return write_pads(con, secret)


def write_warehouse_pads(con: duckdb.DuckDBPyConnection, published: Path, warn) -> None:
    """Write the pads of the warehouse ``published``'s secret into its working file (``con``), calling
    ``warn`` with one line when the secret differs from the one the pads were last written with."""
    if write_pads(con, load_or_create_secret(published)):
        warn("the person-key secret differs from the previous run's: every person key changes, and people "
             f"forgotten before are no longer recognised (restore {key_path(published)} or ${SECRET_ENV} "
             "from its backup to keep the old keys)")
