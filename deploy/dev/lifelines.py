"""What keeps one embedded stack to one data directory, and its processes to the life of their supervisor."""

import contextlib
import ctypes
import errno
import fcntl
import functools
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import IO

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


def die_with_parent(parent_pid: int) -> None:
    """Run in a child between fork and exec (`preexec_fn`): Linux kills it when its parent dies, however the
    parent died (kill -9 included). If the parent died before this ran, the child ends at once. The stop
    signals the parent held while forking (`stop_signals_held`) are the child's again."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(1)


def tied_to_this_process() -> functools.partial[None]:
    """A `preexec_fn` that ends the child when this process dies. Call Popen from the main thread: the kernel
    ties the child to the thread that started it."""
    return functools.partial(die_with_parent, os.getpid())


@contextlib.contextmanager
def stop_signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while a child is started; they are handled when the block ends.

    Python runs a signal's handler at the next bytecode, and inside Popen that can be an at-fork hook
    (logging's lock release), where the handler's KeyboardInterrupt is printed and ignored: a SIGTERM sent
    while the supervisor forked was lost, and the stack went on starting."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def adopt_orphans() -> None:
    """Make this process the reaper of its orphaned descendants, so that none escapes to init unseen."""
    _prctl(PR_SET_CHILD_SUBREAPER, 1)


class StackAlreadyRunning(SystemExit):
    pass


class DataDirectoryLock:
    """An exclusive lock on `<var>/stack.lock`, held while a stack runs on that directory.

    The kernel releases it when the holder dies, so a killed supervisor never leaves a stale lock; the file
    keeps the holder's pid only to name it in the refusal.
    """

    def __init__(self, var_dir: Path) -> None:
        self.path = var_dir / "stack.lock"
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as busy:
            if busy.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise StackAlreadyRunning(
                f"another Reemploy stack (pid {holder}) is running on {self.path.parent}; "
                "stop it (Ctrl-C) or give this one its own REEMPLOY_STACK_VAR_DIR"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
