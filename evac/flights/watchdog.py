"""Solver calls under a wall-clock watchdog: the solver runs in a child process that can be killed.

A solver's own time limit was seen not to stop it (a MIP stuck in presolve or in a long simplex
iteration does not look at the clock), and a thread cannot be stopped from outside in Python. So every
call goes to a child process through a pipe; if no answer comes before the deadline the child is killed
(SIGKILL: a solver that ignores its time limit may ignore SIGTERM too) and the caller falls back to the
greedy. The child is started once per allocation run and serves many calls, because starting one costs
about half a second (the imports of numpy and highspy).

The child is a fresh interpreter (`python -m evac.flights.watchdog`), not a fork: the parent may be a
threaded web server or hold database connections, which a forked child would share; and not
multiprocessing's "spawn" either, which re-runs the caller's main script in the child. Calls and answers
are pickled over a socket pair. The backend is a module of plain functions taking and returning
picklable values; tests pass one that hangs.
"""

import importlib
import os
import socket
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from typing import Any

DEFAULT_BACKEND = "evac.flights.highs_backend"
STARTUP_SECONDS = 30


class SolverUnavailable(Exception):
    """The solver did not answer in time, failed, or could not be started: use the fallback."""


def _serve(connection: Connection, backend_name: str) -> None:
    backend = importlib.import_module(backend_name)
    connection.send("ready")
    state: dict[str, Any] = {}
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if message is None:
            return
        name, payload = message
        try:
            result = getattr(backend, name)(state, payload)
        except Exception as error:  # reported to the parent, which falls back
            connection.send(("error", f"{type(error).__name__}: {error}"))
        else:
            connection.send(("ok", result))


class SolverWorker:
    """A child process serving solver calls, each under its own deadline.

    Use as a context manager. After a timeout the child is killed; the next call starts a new one (its
    start-up not counted against that call's deadline), so one stuck window does not cost the others.
    """

    def __init__(self, backend: str = DEFAULT_BACKEND):
        self.backend = backend
        self._process: subprocess.Popen | None = None
        self._connection: Connection | None = None
        self.timeouts = 0
        self.failures = 0

    def __enter__(self) -> "SolverWorker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        ours, theirs = socket.socketpair()
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        try:
            # HiGHS prints a banner on stdout before any option can silence it: the child's stdout goes
            # nowhere, so that it cannot land in a management command's report. Its stderr stays.
            self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "evac.flights.watchdog", str(theirs.fileno()), self.backend],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env=environment,
            )
        except OSError as error:
            ours.close()
            raise SolverUnavailable(f"the solver process could not start ({error})") from None
        finally:
            theirs.close()
        self._connection = Connection(ours.detach())
        # Wait for the imports (half a second, more on a busy machine) here, so that they do not eat
        # into the first call's deadline: after a kill, the next window would otherwise time out too.
        try:
            ready = self._connection.poll(STARTUP_SECONDS) and self._connection.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.failures += 1
            self.kill()
            raise SolverUnavailable(f"the solver process did not start within {STARTUP_SECONDS} s")

    def call(self, name: str, payload: Any, timeout: float) -> Any:
        """Run backend.name(state, payload) in the child; its result, or SolverUnavailable once `timeout`
        seconds have passed (the child is then killed)."""
        self.start()
        deadline = time.monotonic() + max(0.0, timeout)
        try:
            self._connection.send((name, payload))
            if not self._connection.poll(max(0.0, deadline - time.monotonic())):
                self.timeouts += 1
                self.kill()
                raise SolverUnavailable(f"{name}: no answer within {timeout:.1f} s")
            status, result = self._connection.recv()
        except (EOFError, OSError) as error:  # the child died (out of memory, a crash in the solver)
            self.failures += 1
            self.kill()
            raise SolverUnavailable(f"{name}: the solver process ended ({error})") from None
        if status != "ok":
            self.failures += 1
            raise SolverUnavailable(f"{name}: {result}")
        return result

    def kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(5)
        if self._connection is not None:
            self._connection.close()
        self._process = self._connection = None

    def close(self) -> None:
        """Ask the child to stop; kill it if it does not within a second."""
        if self._process is None:
            return
        try:
            self._connection.send(None)
            self._process.wait(1)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1])), sys.argv[2])
