"""The scaled-out topology on one machine, over loopback, as separate hosts would run it (docs/deployment.md).

    python deploy/cluster.py up        # start everything, wait until healthy, stay in the foreground (Ctrl+C stops)
    python deploy/cluster.py up --detach    # ... and return; `down` stops it later
    python deploy/cluster.py down | status

What runs (each process in a session of its own, its pid and log under var/cluster/):
  PostgreSQL (running already; database `servplan_cluster` created, migrated and given the demo if missing),
  Redis (running already, or started here), moto's S3 server with the bucket, 2 gunicorn instances, nginx in
  front of them, 2 background workers on Redis (`manage.py rq_worker --supervise`), 2 schedulers
  (`manage.py run_scheduler --supervise`, each firing claimed once). tests/cluster/test_cluster.py drives the
  same class on free ports and its own database.
"""

import argparse
import contextlib
import getpass
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port, host="127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_until(condition, what, timeout=60.0, poll=0.2):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"not within {timeout:.0f} s: {what}")
        time.sleep(poll)


@dataclass
class Config:
    run_dir: Path = BASE_DIR / "var" / "cluster"
    database: str = "servplan_cluster"
    postgres: str = "postgres://postgres@127.0.0.1:5432"
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_db: int = 0  # RQ's queues on this database, the cache on the next one
    http_port: int = 8080
    app_ports: tuple = (8101, 8102)
    s3_port: int = 8190
    bucket: str = "servplan"
    workers: int = 2
    schedulers: int = 2
    gunicorn_workers: int = 2
    gunicorn_threads: int = 4
    setup_database: bool = True  # create, migrate and load the demo when missing
    secret_key: str = ""  # "" -> one kept in run_dir/secret_key
    env: dict = field(default_factory=dict)  # more environment for every Django process

    @property
    def redis_url(self):
        return f"redis://{self.redis_host}:{self.redis_port}"

    @property
    def site_url(self):
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def static_root(self):
        return self.run_dir / "var" / "static"


@dataclass
class Process:
    name: str
    argv: list
    pid: int = 0
    popen: subprocess.Popen | None = None


class Cluster:
    def __init__(self, config: Config | None = None):
        self.config = config or Config()
        self.processes: dict[str, Process] = {}
        self.redis_started = False

    # -- environment ------------------------------------------------------------------------------------------
    def secret(self):
        if self.config.secret_key:
            return self.config.secret_key
        path = self.config.run_dir / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        return path.read_text().strip()

    def django_env(self) -> dict:
        """What every app instance, worker and scheduler is given: the same on every host but the bind ports."""
        c = self.config
        env = {key: value for key, value in os.environ.items() if not key.startswith(("SERVPLAN_", "DJANGO_"))}
        env.update({
            "DJANGO_SETTINGS_MODULE": "servplan.settings",
            "DATABASE_URL": f"{c.postgres}/{c.database}",
            "SERVPLAN_SECRET_KEY": self.secret(),
            "SERVPLAN_VAR_DIR": str(c.run_dir / "var"),
            "SERVPLAN_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SERVPLAN_CSRF_TRUSTED_ORIGINS": c.site_url,
            "SERVPLAN_SITE_URL": c.site_url,
            "SERVPLAN_RQ_URL": f"{c.redis_url}/{c.redis_db}",
            "SERVPLAN_CACHE_URL": f"{c.redis_url}/{c.redis_db + 1}",
            "SERVPLAN_S3_ENDPOINT_URL": f"http://127.0.0.1:{c.s3_port}",
            "SERVPLAN_S3_BUCKET": c.bucket,
            "SERVPLAN_S3_ACCESS_KEY_ID": "servplan",
            "SERVPLAN_S3_SECRET_ACCESS_KEY": "servplan-secret",
            "SERVPLAN_S3_REGION": "us-east-1",
            "SERVPLAN_GUNICORN_WORKERS": str(c.gunicorn_workers),
            "SERVPLAN_GUNICORN_THREADS": str(c.gunicorn_threads),
            "SERVPLAN_GUNICORN_ACCESS_LOG": "",
            "PYTHONUNBUFFERED": "1",
        })
        env.update(c.env)
        return env

    def manage(self, *args, timeout=600):
        subprocess.run([PYTHON, str(BASE_DIR / "manage.py"), *args], cwd=BASE_DIR, env=self.django_env(),
                       check=True, timeout=timeout)

    # -- processes --------------------------------------------------------------------------------------------
    def start(self, name, argv, env=None):
        log = open(self.config.run_dir / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it)
        popen = subprocess.Popen(argv, cwd=BASE_DIR, env=env or self.django_env(), stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        process = Process(name, argv, popen.pid, popen)
        self.processes[name] = process
        (self.config.run_dir / f"{name}.pid").write_text(str(popen.pid))
        self.save_state()
        return process

    def save_state(self):
        state = {name: {"pid": p.pid, "argv": p.argv} for name, p in self.processes.items()}
        state["_redis_started"] = self.redis_started
        (self.config.run_dir / "state.json").write_text(json.dumps(state, indent=1))

    def load_state(self):
        path = self.config.run_dir / "state.json"
        if not path.exists():
            return
        state = json.loads(path.read_text())
        self.redis_started = state.pop("_redis_started", False)
        self.processes = {name: Process(name, value["argv"], value["pid"]) for name, value in state.items()}

    @staticmethod
    def alive(process) -> bool:
        if process.popen is not None:
            return process.popen.poll() is None
        try:
            os.kill(process.pid, 0)
        except ProcessLookupError:
            return False
        return True

    @staticmethod
    def descendants(pid) -> list:
        """The process's children, theirs, and so on (from /proc): a supervisor's worker runs in a session of its
        own, so signalling the supervisor's session does not reach it."""
        children = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        found, todo = [], [pid]
        while todo:
            for child in children.get(todo.pop(), []):
                found.append(child)
                todo.append(child)
        return found

    def stop_processes(self, processes, grace=20.0):
        """Ask the processes (each its whole session) to stop, all at once; after `grace` s kill what still runs,
        and whatever they started."""
        family = {process.pid: self.descendants(process.pid) for process in processes}
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while any(self.alive(p) for p in processes) and time.monotonic() < deadline:
            time.sleep(0.1)
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            for pid in family[process.pid] + self.descendants(process.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            if process.popen is not None:
                process.popen.wait(timeout=10)

    def kill(self, name, whole=True) -> int:
        """SIGKILL one process and, `whole`, everything in its session (a gunicorn instance: the master and its
        workers, as when its host dies); otherwise the process alone, its children left as a crash leaves them."""
        pid = self.processes[name].pid
        if whole:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
        return pid

    # -- the pieces -------------------------------------------------------------------------------------------
    def ensure_redis(self):
        c = self.config
        if port_open(c.redis_port, c.redis_host):
            return
        if c.redis_host != "127.0.0.1":
            raise RuntimeError(f"Redis is not reachable at {c.redis_url}")
        self.start("redis", [shutil.which("redis-server") or "redis-server", "--bind", "127.0.0.1", "--port",
                             str(c.redis_port), "--save", "", "--appendonly", "no"], env=dict(os.environ))
        self.redis_started = True
        wait_until(lambda: port_open(c.redis_port), "Redis answers")

    def flush_redis(self):
        import redis

        for db in (self.config.redis_db, self.config.redis_db + 1):
            redis.Redis(host=self.config.redis_host, port=self.config.redis_port, db=db).flushdb()

    def start_s3(self):
        """moto's S3-compatible server (in memory: its files live as long as it runs) and the bucket."""
        import boto3

        c = self.config
        self.start("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(c.s3_port)],
                   env=dict(os.environ))
        wait_until(lambda: port_open(c.s3_port), "the S3 server answers")
        env = self.django_env()
        s3 = boto3.client("s3", endpoint_url=env["SERVPLAN_S3_ENDPOINT_URL"], region_name="us-east-1",
                          aws_access_key_id=env["SERVPLAN_S3_ACCESS_KEY_ID"],
                          aws_secret_access_key=env["SERVPLAN_S3_SECRET_ACCESS_KEY"])
        s3.create_bucket(Bucket=c.bucket)

    def setup_database(self):
        import psycopg

        c = self.config
        with psycopg.connect(f"{c.postgres}/postgres", autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [c.database]).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{c.database}"')
        self.manage("migrate", "--noinput", "-v0")
        self.manage("prepare_fonts", "-v0")
        if not exists:
            self.manage("load_demo")
            self.manage("generate_service_data", "--tickets", "2400", "--months", "6", "--seed", "1",
                        "--skip-existing")

    def render_nginx(self) -> Path:
        c = self.config
        template = (BASE_DIR / "deploy" / "nginx.conf.template").read_text()
        upstreams = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in c.app_ports)
        values = {"USER": getpass.getuser(), "RUN_DIR": str(c.run_dir), "MIME_TYPES": "/etc/nginx/mime.types",
                  "MAX_BODY": "25m", "UPSTREAM_SERVERS": upstreams, "LISTEN": f"127.0.0.1:{c.http_port}",
                  "STATIC_ROOT": str(c.static_root)}
        for key, value in values.items():
            template = template.replace("{{" + key + "}}", value)
        for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (c.run_dir / "nginx-tmp" / folder).mkdir(parents=True, exist_ok=True)
        path = c.run_dir / "nginx.conf"
        path.write_text(template)
        return path

    def nginx_binary(self):
        found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if not found:
            raise RuntimeError("nginx is missing: apt-get install nginx (make system-deps installs it)")
        return found

    def start_apps(self):
        for number in range(1, len(self.config.app_ports) + 1):
            self.start_app(number)

    def start_app(self, number):
        port = self.config.app_ports[number - 1]
        return self.start(f"app{number}", [str(BIN / "gunicorn"), "servplan.wsgi", "-c",
                                           str(BASE_DIR / "deploy" / "gunicorn_conf.py"), "--bind",
                                           f"127.0.0.1:{port}"])

    def start_nginx(self):
        conf = self.render_nginx()
        nginx = self.nginx_binary()
        subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-p", str(self.config.run_dir), "-e",
                        str(self.config.run_dir / "nginx-error.log")], check=True)
        self.start("nginx", [nginx, "-c", str(conf), "-p", str(self.config.run_dir), "-e",
                             str(self.config.run_dir / "nginx-error.log"), "-g", "daemon off;"],
                   env=dict(os.environ))

    def start_background(self):
        for number in range(1, self.config.workers + 1):
            self.start(f"worker{number}", [PYTHON, str(BASE_DIR / "manage.py"), "rq_worker", "--supervise"])
        for number in range(1, self.config.schedulers + 1):
            self.start(f"scheduler{number}", [PYTHON, str(BASE_DIR / "manage.py"), "run_scheduler", "--supervise",
                                              "--verbosity", "0"])

    # -- health -----------------------------------------------------------------------------------------------
    def http_ok(self, port=None, path="/login/") -> bool:
        url = f"http://127.0.0.1:{port or self.config.http_port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def rq_workers(self) -> int:
        import redis

        connection = redis.Redis(host=self.config.redis_host, port=self.config.redis_port, db=self.config.redis_db)
        return sum(1 for key in connection.smembers("rq:workers") if connection.exists(key))

    def wait_healthy(self, timeout=120.0):
        for number, port in enumerate(self.config.app_ports, 1):
            wait_until(lambda port=port: self.http_ok(port), f"app instance {number} on port {port}", timeout)
        wait_until(self.http_ok, "nginx", timeout)
        wait_until(lambda: self.rq_workers() >= self.config.workers, f"{self.config.workers} RQ workers", timeout)

    def status(self) -> dict:
        if not self.processes:  # another `cluster.py` started them: their pids from the state file
            self.load_state()
        report = {name: {"pid": p.pid, "alive": self.alive(p)} for name, p in self.processes.items()}
        report["http"] = self.http_ok()
        try:
            report["rq_workers"] = self.rq_workers()
        except Exception as exc:  # Redis down: say so
            report["rq_workers"] = f"unreachable: {exc}"
        return report

    # -- whole topology ---------------------------------------------------------------------------------------
    def up(self):
        c = self.config
        c.run_dir.mkdir(parents=True, exist_ok=True)
        self.ensure_redis()
        self.start_s3()
        if c.setup_database:
            self.setup_database()
        self.manage("collectstatic", "--noinput", "-v0")
        self.start_apps()
        self.start_nginx()
        self.start_background()
        self.wait_healthy()

    def down(self, grace=20.0):
        """Stop everything, tier by tier; each process is killed after `grace` seconds (it finishes what it was
        doing until then: a worker its job, gunicorn its requests)."""
        if not self.processes:
            self.load_state()
        order = ["scheduler", "worker", "nginx", "app", "s3", "redis"]
        for prefix in order:  # what takes work in first, what serves it last
            tier = [process for name, process in self.processes.items()
                    if name.startswith(prefix) and (prefix != "redis" or self.redis_started)]
            if tier:
                began = time.monotonic()
                self.stop_processes(tier, grace)
                print(f"stopped {', '.join(p.name for p in tier)} in {time.monotonic() - began:.1f} s", flush=True)
        state = self.config.run_dir / "state.json"
        if state.exists():
            state.unlink()
        self.processes = {}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["up", "down", "status"])
    parser.add_argument("--detach", action="store_true", help="up: return once healthy, leave it running")
    parser.add_argument("--http-port", type=int, default=int(os.environ.get("CLUSTER_HTTP_PORT", "8080")))
    parser.add_argument("--app-ports", default=os.environ.get("CLUSTER_APP_PORTS", "8101,8102"),
                        help="one app instance per port, comma-separated")
    parser.add_argument("--s3-port", type=int, default=int(os.environ.get("CLUSTER_S3_PORT", "8190")))
    parser.add_argument("--redis-db", type=int, default=int(os.environ.get("CLUSTER_REDIS_DB", "0")),
                        help="RQ on this Redis database, the cache on the next")
    parser.add_argument("--database", default=os.environ.get("CLUSTER_DATABASE", "servplan_cluster"))
    args = parser.parse_args(argv)
    cluster = Cluster(Config(http_port=args.http_port, database=args.database, s3_port=args.s3_port,
                             app_ports=tuple(int(port) for port in args.app_ports.split(",")),
                             redis_db=args.redis_db))
    if args.command == "status":
        print(json.dumps(cluster.status(), indent=1))
        return
    if args.command == "down":
        cluster.down()
        return
    cluster.load_state()
    if any(cluster.alive(p) for p in cluster.processes.values()):
        sys.exit(f"the cluster is running already ({cluster.config.run_dir}/state.json): deploy/cluster.py down")
    cluster.processes = {}

    def interrupt(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)  # also when started with SIGINT ignored (a background job of a script)
    try:
        cluster.up()
        print(f"ServPlan cluster is serving at {cluster.config.site_url}/ "
              f"(logs and pids in {cluster.config.run_dir}){'' if args.detach else '  Ctrl+C stops it'}",
              flush=True)
        if args.detach:
            return
        while True:
            time.sleep(1)
            dead = [name for name, p in cluster.processes.items() if not cluster.alive(p)]
            if dead:
                print(f"stopped on its own: {', '.join(dead)} (see its log in {cluster.config.run_dir})",
                      flush=True)
                cluster.processes = {n: p for n, p in cluster.processes.items() if n not in dead}
    except KeyboardInterrupt:
        pass
    finally:
        if not args.detach or sys.exc_info()[0] is not None:
            print("stopping the cluster ...", flush=True)
            cluster.down()


if __name__ == "__main__":
    main()
