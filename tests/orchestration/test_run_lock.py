"""The run lock and the publish files' housekeeping, without building a warehouse
(the real runs, readers and kills are in tests/e2e/test_serving.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import dagster as dg
import duckdb
import pytest

from orchestration import run_lock, settings
from orchestration.publish import (
    KEEP_PUBLISHES,
    PublishError,
    adopt_pre_serving_warehouse,
    current_publish_id,
    kept_publishes,
    prune_publishes,
    put_in_place,
    recover,
    rollback,
    stop_orphaned_children,
)
from orchestration.resources import WarehouseResource

TRY_LOCK = textwrap.dedent("""
    import sys
    from orchestration import run_lock
    try:
        with run_lock.hold(sys.argv[1], command="second"):
            print("acquired")
    except run_lock.WarehouseBusy as exc:
        print(exc)
        sys.exit(2)
""")


def try_from_another_process(warehouse) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", TRY_LOCK, str(warehouse)], capture_output=True, text=True,
                          timeout=60)


def test_a_second_process_is_refused_with_one_line_naming_the_holder_and_its_phase(tmp_path):
    warehouse = tmp_path / "smarketing.duckdb"
    with run_lock.hold(warehouse, command="smarketing run --exports drop"):
        run_lock.set_phase(warehouse, "dbt")
        holder = run_lock.read_holder(warehouse)
        assert (holder["pid"], holder["command"], holder["phase"]) == (os.getpid(), "smarketing run --exports drop", "dbt")
        refused = try_from_another_process(warehouse)
    assert refused.returncode == 2
    assert refused.stdout == (f"warehouse {warehouse} is busy: `smarketing run --exports drop` (pid {os.getpid()}, "
                              f"started {holder['started_at']}) is in phase dbt; wait for it to finish, then run again\n")
    # Released: the lock file names nobody, and the next process takes the lock.
    assert run_lock.read_holder(warehouse) is None
    assert try_from_another_process(warehouse).stdout == "acquired\n"


def test_the_lock_is_reentrant_in_one_process_and_remembers_a_killed_holder(tmp_path):
    warehouse = tmp_path / "smarketing.duckdb"
    lock = settings.run_lock_path(warehouse)
    lock.parent.mkdir(parents=True)
    killed = '{"pid": 999999, "command": "smarketing run", "phase": "dbt", "children": [999998]}\n'
    lock.write_text(killed)  # what a SIGKILLed run leaves: its record, no lock
    with run_lock.hold(warehouse, command="outer"):
        with run_lock.hold(warehouse, command="inner"):
            run_lock.add_child(warehouse, 4242)
            assert run_lock.read_holder(warehouse)["command"] == "outer"
        assert run_lock.is_held_here(warehouse)
        assert run_lock.previous_holder(warehouse)["children"] == [999998]
        assert run_lock.read_holder(warehouse)["children"] == [4242]
    assert not run_lock.is_held_here(warehouse)


def test_a_dagster_run_holds_the_lock_through_its_warehouse_resource(tmp_path):
    warehouse = tmp_path / "smarketing.duckdb"

    @dg.asset
    def who_holds_the_lock(warehouse: WarehouseResource) -> dict:
        return run_lock.read_holder(warehouse.published_path())

    result = dg.materialize([who_holds_the_lock], resources={"warehouse": WarehouseResource(path=str(warehouse))},
                            instance=dg.DagsterInstance.ephemeral())
    holder = result.output_for_node("who_holds_the_lock")
    assert holder["pid"] == os.getpid() and holder["command"] == f"dagster run {result.run_id}"
    assert run_lock.read_holder(warehouse) is None


def fake_publish(warehouse, publish_id: str):
    """A complete publish file (a DuckDB file with a publish log naming itself and its predecessors)."""
    folder = settings.publishes_dir(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{publish_id}.duckdb"
    earlier = sorted(p.stem for p in kept_publishes(warehouse))
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create table marts.publish_log (publish_id varchar, published_at timestamp)")
        for i, pid in enumerate([*earlier, publish_id]):
            con.execute("insert into marts.publish_log values (?, timestamp '2026-12-01' + to_minutes(?))", [pid, i])
    return path


def ids(n: int) -> list[str]:
    return [f"20261201T0000{i:02d}.000000Z-run{i}" for i in range(n)]


def test_publishes_are_put_in_place_pruned_to_the_last_few_and_rolled_back_along_the_log(tmp_path):
    warehouse = tmp_path / "smarketing.duckdb"
    with pytest.raises(PublishError, match="nothing has been published"):
        rollback(warehouse)
    for publish_id in ids(KEEP_PUBLISHES + 2):
        put_in_place(fake_publish(warehouse, publish_id), warehouse)
        prune_publishes(warehouse)
    assert [p.stem for p in kept_publishes(warehouse)] == ids(KEEP_PUBLISHES + 2)[-KEEP_PUBLISHES:]
    assert current_publish_id(warehouse) == ids(KEEP_PUBLISHES + 2)[-1]
    assert rollback(warehouse) == (ids(7)[-1], ids(7)[-2])
    assert rollback(warehouse) == (ids(7)[-2], ids(7)[-3])
    assert current_publish_id(warehouse) == ids(7)[-3]
    # The current publish is kept even when newer ones push it out of the last few.
    for publish_id in [f"20261202T0000{i:02d}.000000Z-new{i}" for i in range(KEEP_PUBLISHES)]:
        fake_publish(warehouse, publish_id)
    prune_publishes(warehouse)
    assert ids(7)[-3] in {p.stem for p in kept_publishes(warehouse)}
    assert list(tmp_path.glob("*.swap")) == []


def test_recover_removes_what_a_killed_run_left_and_nothing_else(tmp_path):
    warehouse = tmp_path / "smarketing.duckdb"
    publish = fake_publish(warehouse, ids(1)[0])
    put_in_place(publish, warehouse)
    working = settings.working_path(warehouse)
    working.parent.mkdir(parents=True, exist_ok=True)
    working.write_bytes(b"")
    left = [publish.with_name("20261201T000100.000000Z-x.duckdb.partial"),
            publish.with_name("20261201T000100.000000Z-x.duckdb.partial.wal"),
            tmp_path / f".{warehouse.name}.20261201T000100.000000Z-x.swap",
            working.parent / ".scratch-whatif-abc" / "warehouse.duckdb"]
    for path in left:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    recover(warehouse)
    assert not any(p.exists() for p in left) and not (working.parent / ".scratch-whatif-abc").exists()
    assert warehouse.exists() and publish.exists() and working.exists()
    assert current_publish_id(warehouse) == ids(1)[0]


def test_the_next_run_stops_the_dbt_process_a_killed_run_left_running(tmp_path):
    warehouse = tmp_path / "smarketing.duckdb"
    # Stands in for dbt: "dbt" is on its command line, as it is on dbt's.
    orphan = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", "dbt", "build"])
    unrelated = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        lock = settings.run_lock_path(warehouse)
        lock.parent.mkdir(parents=True)
        lock.write_text(f'{{"pid": 999999, "phase": "dbt", "children": [{orphan.pid}, {unrelated.pid}]}}\n')
        with run_lock.hold(warehouse):
            assert stop_orphaned_children(warehouse) == [orphan.pid]
        assert orphan.wait(timeout=10) == -9
        assert unrelated.poll() is None  # a reused pid that is not dbt is left alone
    finally:
        for process in (orphan, unrelated):
            process.kill()
            process.wait()


def test_a_warehouse_written_in_place_before_publishes_existed_becomes_the_working_file(tmp_path):
    warehouse = tmp_path / "smarketing.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema ingest; create table ingest.load_ledger as select 'old-load' as load_id")
    assert adopt_pre_serving_warehouse(warehouse)
    with duckdb.connect(str(settings.working_path(warehouse)), read_only=True) as con:
        assert con.execute("select load_id from ingest.load_ledger").fetchall() == [("old-load",)]
    assert not adopt_pre_serving_warehouse(warehouse)  # once: the working file exists now
    assert warehouse.exists()  # BI tools keep reading it until the first publish replaces it
