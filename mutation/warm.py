"""A warm test runner for `make mutation`: imports the heavy test libraries once
and forks a fresh pytest for every mutant.

Most of a short pytest run is spent importing hypothesis, faker, pytest itself and
jinja2, on every mutant again. This process imports them once and never imports
the project: each mutant's pytest runs in a forked child, which imports the
project (and so the mutated module) from disk like a fresh process would.

Protocol, one line each way: the parent writes a JSON list of pytest arguments
and a timeout; the child's exit status comes back as `{"code": N}` (`null` on
timeout), with pytest's output in the file named by the request.
"""

import contextlib
import json
import os
import signal
import sys
import time

# Import the libraries only (nothing under the project root), so that no module a
# mutant changes is ever loaded before the fork.
import django.test  # noqa: F401
import factory  # noqa: F401
import faker  # noqa: F401
import hypothesis
import hypothesis.strategies  # noqa: F401
import jinja2  # noqa: F401
import pytest
import pytest_django  # noqa: F401
import stdnum.luhn  # noqa: F401

sys.dont_write_bytecode = True  # a mutant written within the same second must be reread


def run_child(args: list[str], output: str) -> None:
    os.setsid()
    sys.path[0] = os.getcwd()  # the project, as for `python -m pytest`
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    code = 1
    try:
        code = int(pytest.main(args))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def wait(pid: int, timeout: float) -> int | None:
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            with contextlib.suppress(OSError):  # the group may be gone already
                os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(0.05)


def main() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            run_child(request["args"], request["output"])
        code = wait(pid, request["timeout"])
        print(json.dumps({"code": code}), flush=True)


if __name__ == "__main__":
    main()
