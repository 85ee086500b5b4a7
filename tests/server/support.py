"""The app as its own process (`python -m workshop`) on a loopback port, for the server tests."""

import os
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(instance: Path, port: int = 0, **extra: str) -> dict[str, str]:
    env = os.environ | {
        "WORKSHOP_INSTANCE_PATH": str(instance),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    env.pop("WORKSHOP_DEMO", None)
    return env | extra


def start_app(instance: Path, port: int, *options: str, **extra: str) -> subprocess.Popen[str]:
    """`python -m workshop [options]` serving `instance` on `port`; its output in one pipe."""
    return subprocess.Popen(
        [sys.executable, "-m", "workshop", *options],
        cwd=REPO,
        env=environment(instance, port, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
