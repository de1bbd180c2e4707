"""`manage.py db_worker --supervise`: keep one worker running; when it dies, release its task and start another.

`make run` starts this next to gunicorn. The worker is a child process in a session of its own, so a Ctrl+C in
the terminal reaches only the supervisor, which asks the worker to stop (SIGTERM: it finishes the task in hand)
and kills it when it has not stopped within `stop_grace` seconds. A worker that dies (killed, out of memory, a
crash) has its running task released at once (core.workers.release: queued again from the start, or failed after
the last attempt), without waiting for its lease to run out, and is restarted after a backoff that doubles while
it keeps dying young (1, 2, 4 ... `max_backoff` seconds) and starts again from 1 s once a worker has lived
`stable_after` seconds.
"""

import contextlib
import logging
import os
import signal
import subprocess
import time

from django.db import DatabaseError, close_old_connections
from django.utils.crypto import get_random_string

from . import workers

logger = logging.getLogger(__name__)


class Supervisor:
    def __init__(self, command, *, min_backoff=1.0, max_backoff=60.0, stable_after=60.0, stop_grace=15.0,
                 poll=0.2, release=None):
        self.command = list(command)  # the worker's command line, less --worker-id (each child gets its own)
        self.release = release  # what resolves a dead worker's tasks (core.workers.release for the ORM backend)
        self.min_backoff, self.max_backoff, self.stable_after = min_backoff, max_backoff, stable_after
        self.stop_grace, self.poll = stop_grace, poll
        self.stopping = False
        self.child = None
        self.restarts = 0

    def stop(self, signum=None, frame=None):
        self.stopping = True

    def run(self):
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self.stop)
        self.loop()

    def loop(self):
        young_deaths = 0
        while not self.stopping:
            worker_id = get_random_string(32)
            started = time.monotonic()
            code = self._run_child(worker_id)
            if self.release is not None:
                self._release_with(self.release, worker_id)
            else:
                self._release(worker_id)
            if self.stopping:
                break
            young_deaths = 0 if time.monotonic() - started >= self.stable_after else young_deaths + 1
            delay = min(self.max_backoff, self.min_backoff * 2 ** max(young_deaths - 1, 0))
            logger.error("background worker %s (pid %s) exited with %s; starting another in %.0f s",
                         worker_id, self.child.pid, code, delay)
            self._sleep(delay)
            self.restarts += 1
        logger.info("supervisor stopped")

    def _run_child(self, worker_id):
        self.child = subprocess.Popen([*self.command, "--worker-id", worker_id], start_new_session=True)
        logger.info("background worker %s started (pid %s)", worker_id, self.child.pid)
        kill_at = None
        while (code := self.child.poll()) is None:
            if self.stopping and kill_at is None:
                self.child.terminate()
                kill_at = time.monotonic() + self.stop_grace
            elif kill_at is not None and time.monotonic() > kill_at:
                self.child.kill()
            time.sleep(self.poll)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.child.pid, signal.SIGKILL)  # what the worker forked (RQ's scheduler) goes with it
        return code

    @staticmethod
    def _release(worker_id):
        close_old_connections()
        try:
            released = workers.release(worker_id)
        except DatabaseError:  # the next worker's sweep will find its task when the lease runs out
            logger.warning("could not release the tasks of worker %s", worker_id, exc_info=True)
            return
        if released.requeued or released.failed:
            logger.warning("worker %s left tasks: queued again %s, failed %s", worker_id, released.requeued,
                           released.failed)

    @staticmethod
    def _release_with(release, worker_id):
        try:
            released = release(worker_id)
        except Exception:  # the queue is unreachable: its own cleanup finds the task when its entry expires
            logger.warning("could not release the tasks of worker %s", worker_id, exc_info=True)
            return
        if released:
            logger.warning("worker %s left tasks, resolved now (run again or failed): %s", worker_id, released)

    def _sleep(self, seconds):
        until = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < until:
            time.sleep(self.poll)
