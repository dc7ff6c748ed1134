"""`smarketing-dbt`: dbt, started in the folder of the DuckDB file it builds.

dbt keeps a parse cache (``partial_parse.msgpack``) and throws it away whenever the profile's
connection settings differ from the ones it was made with; for DuckDB those include the file's
path. Started in the file's folder, with ``SMARKETING_WAREHOUSE`` naming the file relative to it,
every warehouse whose working file has the same name gives the profile the same path, so the
cache made once by ``smarketing prepare`` stays valid for every run (a full parse of this project
costs 4-5 s more than a cached one on 2 cores).

``SMARKETING_DBT_FOLDER`` names the folder; without it this is plain ``dbt``. The project and
profiles folders, and the target and log paths dagster-dbt sets (relative to the project), are
made absolute before the change of folder, so everything but the DuckDB file stays where it was.
"""

from __future__ import annotations

import os
import sys

FOLDER_ENV = "SMARKETING_DBT_FOLDER"


def main() -> None:
    from orchestration import settings

    folder = os.environ.pop(FOLDER_ENV, None)
    project_dir = os.path.abspath(os.environ.get("DBT_PROJECT_DIR") or settings.DBT_PROJECT_DIR)
    os.environ["DBT_PROJECT_DIR"] = project_dir
    os.environ["DBT_PROFILES_DIR"] = os.path.abspath(os.environ.get("DBT_PROFILES_DIR") or project_dir)
    for name in ("DBT_TARGET_PATH", "DBT_LOG_PATH"):
        if os.environ.get(name):
            os.environ[name] = os.path.join(project_dir, os.environ[name])  # unchanged when absolute
    if folder:
        os.chdir(folder)
    from dbt.cli.main import cli

    sys.exit(cli())


if __name__ == "__main__":
    main()
