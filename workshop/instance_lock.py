"""The instance folder's lock: held by the process that serves the app (and by a restore while
it runs), so `flask restore` refuses to replace the database under a running server.

The lock is the operating system's lock on an open file, `serving.lock` in the instance folder:
`fcntl.flock` on Linux and macOS, `msvcrt.locking` on Windows. It ends with the process,
however the process ends (Ctrl+C, a crash, a power cut), so no stale lock is ever left to clear
by hand. The file holds the holder's process id, for the message; on Windows the lock covers a
byte far past it, because a Windows lock also keeps other processes from reading what it covers.
"""

import os
import sys
from pathlib import Path
from typing import IO

LOCK_FILE = "serving.lock"
#: Where the Windows lock sits: past the process id written at the start of the file.
_WINDOWS_BYTE = 1 << 20


class InstanceBusy(Exception):
    """Another process holds the lock; str() says which one."""


def _try_lock(file: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        file.seek(_WINDOWS_BYTE)
        try:
            msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(file: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        file.seek(_WINDOWS_BYTE)
        msvcrt.locking(file.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(file.fileno(), fcntl.LOCK_UN)


class InstanceLock:
    """`with InstanceLock(folder):` holds the folder's lock, or raises InstanceBusy."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_FILE
        self._file: IO[bytes] | None = None

    def acquire(self) -> "InstanceLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # "a+" opens without emptying the file: the holder's process id stays readable.
        file = self.path.open("a+b")
        if not _try_lock(file):
            file.seek(0)
            holder = file.read(32).decode("ascii", "replace").strip()
            file.close()
            raise InstanceBusy(f"process {holder}" if holder.isdigit() else "another process")
        file.seek(0)
        file.truncate()
        file.write(str(os.getpid()).encode("ascii"))
        file.flush()
        self._file = file
        return self

    def release(self) -> None:
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            _unlock(self._file)
            self._file.close()
            self._file = None

    def __enter__(self) -> "InstanceLock":
        return self.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.release()
