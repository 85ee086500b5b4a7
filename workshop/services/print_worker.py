"""The print worker: one thread per app that sends the queued print jobs, oldest first, so no
page waits for a printer (a printer that never answers costs its timeout here, not a request).

The queue is the database (print jobs in state "queued"): a job queued before a stop is sent
after the next start, and a job cut off mid-send by a stop is sent again. The thread starts
when a job is queued (or at the app's start, for what a stop left) and ends when no job waits.
What it sends and how it counts the queue come from services.printing, which makes the worker
(printing.worker()).
"""

import threading
from collections.abc import Callable

from flask import Flask

from workshop.extensions import db


class PrintWorker:
    def __init__(
        self, app: Flask, send_next: Callable[[], bool], queued: Callable[[], int]
    ) -> None:
        """`send_next` sends the oldest queued job (False when none waits); `queued` counts the
        jobs waiting."""
        self.app = app
        self._send_next, self._queued = send_next, queued
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        """Make sure a thread is sending: a job was just queued."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="print-worker", daemon=True)
                self._thread.start()

    def wait_until_idle(self, timeout: float) -> bool:
        """Block until no job waits (True), or `timeout` seconds passed (False)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._thread is None, timeout)

    def _run(self) -> None:
        with self.app.app_context():
            try:
                while True:
                    if self._send_next():
                        continue
                    with self._lock:
                        # Checked again holding the lock: a job queued since is not left behind,
                        # as its wake() waits for this lock and then finds no thread.
                        if self._queued() == 0:
                            self._thread = None
                            self._idle.notify_all()
                            return
            except BaseException:
                with self._lock:
                    self._thread = None
                    self._idle.notify_all()
                raise
            finally:
                db.session.remove()
