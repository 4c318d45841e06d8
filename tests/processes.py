"""What the suite started: every process it leaves behind is named and fails the run.

The pytest process adopts its orphaned descendants (a child subreaper), so a process whose parent died, such
as the children of a `make up` supervisor killed with SIGKILL, is still found here rather than under init.
"""

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Process:
    pid: int
    parent: int
    state: str
    command: str

    @property
    def alive(self) -> bool:
        return self.state not in ("Z", "X")


def read_process(pid: int) -> Process | None:
    proc = Path("/proc") / str(pid)
    try:
        stat = (proc / "stat").read_text()
        command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except (FileNotFoundError, ProcessLookupError):
        return None
    after_name = stat[stat.rindex(")") + 2 :].split()
    return Process(pid=pid, parent=int(after_name[1]), state=after_name[0], command=command)


def children_of(parent: int) -> list[Process]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (process := read_process(int(entry.name))) and process.parent == parent:
            found.append(process)
    return found


def reap(process: Process) -> None:
    """Collect an exited child of this process, so that it does not linger as a zombie."""
    try:
        os.waitpid(process.pid, os.WNOHANG)
    except ChildProcessError:
        return


def gone(pid: int) -> bool:
    process = read_process(pid)
    if process is not None and not process.alive and process.parent == os.getpid():
        reap(process)
    return process is None or not process.alive


def leftovers(grace_seconds: float = 10.0) -> list[Process]:
    """This process's children still alive after a grace for those already on their way out; zombies are
    reaped on the way."""
    deadline = time.monotonic() + grace_seconds
    while True:
        alive = []
        for child in children_of(os.getpid()):
            if child.alive:
                alive.append(child)
            else:
                reap(child)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def end(processes: list[Process]) -> None:
    for process in processes:
        try:
            os.kill(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
    leftovers(grace_seconds=5.0)


def with_environment(name: str, value: str) -> list[Process]:
    """The live processes whose environment sets `name` to `value` (children inherit it from their parent)."""
    wanted = f"{name}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environment = (entry / "environ").read_bytes().split(b"\0")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if wanted in environment and (process := read_process(int(entry.name))) and process.alive:
            found.append(process)
    return found
