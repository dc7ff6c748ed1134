"""The person-key secret: created once beside the warehouse (mode 0600, never in the published file),
read back unchanged, replaced by SMARKETING_KEY_SECRET when set; its pads give Python's HMAC in DuckDB."""

from __future__ import annotations

import hashlib
import hmac
import stat

import duckdb
import pytest

from ingest.personal_data import keyed_hash_sql
from orchestration import person_keys


@pytest.fixture
def no_env_secret(monkeypatch):
    monkeypatch.delenv(person_keys.SECRET_ENV, raising=False)


def test_the_key_file_is_created_once_beside_the_warehouse_with_mode_0600(tmp_path, no_env_secret):
    published = tmp_path / "warehouse" / "smarketing.duckdb"
    secret = person_keys.load_or_create_secret(published)
    key_file = tmp_path / "warehouse" / ".work" / "smarketing.duckdb.key"
    assert key_file.is_file() and not published.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(secret) == 64  # 256 random bits as hex
    assert person_keys.load_or_create_secret(published) == secret  # stable across runs
    assert person_keys.load_or_create_secret(tmp_path / "other.duckdb") != secret


def test_the_environment_secret_wins_over_the_key_file(tmp_path, monkeypatch):
    monkeypatch.setenv(person_keys.SECRET_ENV, "shared by three machines")
    assert person_keys.load_or_create_secret(tmp_path / "w.duckdb") == b"shared by three machines"
    assert not (tmp_path / ".work").exists()
    monkeypatch.setenv(person_keys.SECRET_ENV, "  ")
    with pytest.raises(person_keys.KeySecretError, match="set but empty"):
        person_keys.load_or_create_secret(tmp_path / "w.duckdb")


def test_an_empty_key_file_is_refused_not_replaced(tmp_path, no_env_secret):
    key_file = tmp_path / ".work" / "w.duckdb.key"
    key_file.parent.mkdir()
    key_file.write_text("")
    with pytest.raises(person_keys.KeySecretError, match="restore it from its backup"):
        person_keys.load_or_create_secret(tmp_path / "w.duckdb")


@pytest.mark.parametrize("secret", [b"short", b"k" * 64, "ñ-secret".encode() * 20])
def test_the_pads_give_pythons_hmac_in_duckdb(secret):
    with duckdb.connect() as con:
        assert person_keys.write_pads(con, secret) is False  # the first pads: nothing changed
        got = con.execute(f"select {keyed_hash_sql('?')}", ["email:ann@acme.com"]).fetchall()[0][0]
        assert person_keys.write_pads(con, secret) is False
        assert person_keys.write_pads(con, secret + b"!") is True
        assert con.execute(f"select count(*) from {person_keys.PADS_RELATION}").fetchall() == [(1,)]
    assert got == hmac.new(secret, b"email:ann@acme.com", hashlib.sha256).hexdigest()
    assert got == person_keys.person_key_of_email(secret, "ann@acme.com")


def test_a_changed_secret_is_warned_about_once(tmp_path, monkeypatch):
    warnings: list[str] = []
    with duckdb.connect() as con:
        for secret in ("first", "first", "second", "second"):
            monkeypatch.setenv(person_keys.SECRET_ENV, secret)
            person_keys.write_warehouse_pads(con, tmp_path / "w.duckdb", warnings.append)
    assert len(warnings) == 1 and "every person key changes" in warnings[0]
    assert "second" not in warnings[0] and "first" not in warnings[0]  # the secret is never logged
