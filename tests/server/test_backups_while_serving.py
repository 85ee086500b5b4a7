"""Issue 12, point 8, with the app as its own process: `python -m workshop` backs up at start
(WORKSHOP_BACKUP_DIR moves the backups), holds the instance folder while it serves, so
`flask restore` and a second server refuse; once it stops, the restore goes through."""

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.server.support import REPO, environment, free_port, start_app


def _wait_for(condition, what: str, process: subprocess.Popen, seconds: float = 30) -> None:
    for _ in range(int(seconds * 10)):
        assert process.poll() is None, process.stdout.read()
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {seconds} s")


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as page:
            return page.status == 200
    except OSError:
        return False


def _flask(instance: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "workshop", *args],
        cwd=REPO,
        env=environment(instance, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_server_backs_up_at_start_and_nothing_restores_under_it(tmp_path):
    instance, backups = tmp_path / "instance", tmp_path / "off-site"
    port = free_port()
    # No demo data: its weeks of history would only slow the start this test waits for.
    server = start_app(instance, port, WORKSHOP_BACKUP_DIR=str(backups), WORKSHOP_DEMO="0")
    try:
        _wait_for(lambda: _answers(port), "the app answers", server)
        _wait_for(lambda: any(backups.glob("workshop-*")), "a backup at start", server)
        [made] = list(backups.glob("workshop-*"))
        assert (made / "workshop.sqlite").is_file() and (made / "backup.json").is_file()

        refused = _flask(instance, "restore", str(made), WORKSHOP_BACKUP_DIR=str(backups))
        assert refused.returncode == 1
        assert "the app is being served from this instance folder" in refused.stderr
        assert f"(process {server.pid})" in refused.stderr

        second = subprocess.run(
            [sys.executable, "-m", "workshop"],
            cwd=REPO,
            env=environment(instance, free_port()),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode != 0
        assert f"Not started: this instance folder is in use by process {server.pid}" in (
            second.stderr
        )
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"Backups at start and once a day in {backups} (the last 14)." in output
    assert f"Backed up to {made}." in output

    restored = _flask(instance, "restore", str(made), WORKSHOP_BACKUP_DIR=str(backups))
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith("Restored the backup made ")
