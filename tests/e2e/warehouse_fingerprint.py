"""A fingerprint of a warehouse's relations, to prove a step left them exactly as they were."""

from pathlib import Path

import duckdb


def fingerprint(warehouse: Path, *, schemas: tuple[str, ...] | None = None,
                exclude: tuple[str, ...] = ()) -> dict[str, tuple]:
    """Every table and view (in ``schemas``, or all but ``exclude``): its kind, columns and types,
    view SQL, row count and an md5 of its rows in a fixed order."""
    result = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        relations = con.execute(
            "select table_schema, table_name, table_type from information_schema.tables order by 1, 2"
        ).fetchall()
        for schema, name, kind in relations:
            if (schemas is not None and schema not in schemas) or schema in exclude:
                continue
            relation = f'"{schema}"."{name}"'
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position", [schema, name]
            ).fetchall()
            view_sql = con.execute(
                "select sql from duckdb_views() where schema_name = ? and view_name = ?", [schema, name]
            ).fetchall()
            rows = con.execute(
                f"select count(*), md5(coalesce(string_agg(row_text, '\n' order by row_text), '')) "
                f"from (select cast(t as varchar) as row_text from {relation} as t)"
            ).fetchall()[0]
            result[f"{schema}.{name}"] = (kind, tuple(columns), tuple(view_sql), rows)
    return result
