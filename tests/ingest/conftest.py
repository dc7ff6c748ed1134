from __future__ import annotations

from pathlib import Path

import duckdb
import pytest


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


@pytest.fixture
def drop(tmp_path) -> Path:
    root = tmp_path / "exports"
    root.mkdir()
    return root


@pytest.fixture
def write(drop):
    """Write an export file into the drop byte for byte (no newline translation)."""

    def _write(relative: str, text: str, *, encoding: str = "utf-8", bom: bool = False) -> Path:
        path = drop / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
        return path

    return _write
