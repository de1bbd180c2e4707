"""Shared set-up for the benchmarks that need Django: a throwaway database per run.

SQLite: a fresh file under a temporary SERVPLAN_VAR_DIR (the embedded
default, WAL mode, the project's own settings). PostgreSQL: the database
`servplan_bench` on 127.0.0.1:5432 (user postgres), dropped and created
again by each run; never `test` or `test_test`. Each backend runs in its own
child process, because Django reads its database settings once.
"""

import json
import os
import platform
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_DB = "servplan_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPU(s), {cpu}, Python {platform.python_version()}, {date.today().isoformat()}"


def postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3).close()
        return True
    except Exception:
        return False


def recreate_postgres_db(name: str = PG_DB):
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def postgres_url(name: str = PG_DB) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def child_env(backend: str, var_dir: Path, pg_db: str = PG_DB) -> dict:
    env = dict(os.environ, SERVPLAN_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="servplan.settings",
               PYTHONPATH=str(ROOT))
    env.pop("DATABASE_URL", None)
    if backend == "postgresql":
        env["DATABASE_URL"] = postgres_url(pg_db)
    return env


def code_version() -> str:
    """The commit the benchmark runs on (short hash, "+changes" when the work tree differs from it)."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def run_child(script: Path, backend: str, var_dir: Path, args: list[str]) -> dict:
    """Run `script --child BACKEND args` and return the JSON it prints last."""
    if backend == "postgresql":
        recreate_postgres_db()
    completed = subprocess.run([sys.executable, str(script), "--child", backend, *args], cwd=ROOT,
                               env=child_env(backend, var_dir), capture_output=True, text=True)
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"{backend} run failed")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def setup_django():
    """In a child: settings from the environment, a migrated database with the demo company loaded."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", stdout=devnull)


def demo_contract(code):
    """One of the plain demo contracts (contracts.demo.CONTRACTS) by customer code, e.g. "hzbank"."""
    from contracts.demo import CONTRACTS
    from contracts.models import Contract

    title = next(row[1] for row in CONTRACTS if row[0] == code)
    return Contract.objects.select_related("customer").filter(title=title).order_by("-version").first()


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
