"""twistd --logfile is not world-readable (security issue #9, finding 4)."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import estra_env


def start_with_logfile(tmp_path: Path, log: Path, *twistd_args: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-c", "from twisted.scripts.twistd import run; run()",
           "-n", "--pidfile=", "--logfile", str(log), *twistd_args, "estra",
           "--state-dir", str(tmp_path / "state"), "--listen", "tcp:0:interface=127.0.0.1"]
    env = estra_env()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            cwd=str(tmp_path), env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        if log.exists() and re.search("ready on https://", log.read_text(errors="replace")):
            return proc
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"estra did not start: {log.read_text(errors='replace')}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(15)


def test_new_log_file_not_world_readable(tmp_path: Path) -> None:
    """A log file twistd creates for estra is 0640 (no bits for others), whatever
    the umask estra was started with."""
    log = tmp_path / "estra.log"
    old = os.umask(0o022)
    try:
        proc = start_with_logfile(tmp_path, log)
    finally:
        os.umask(old)
    try:
        assert stat.S_IMODE(log.stat().st_mode) == 0o640, oct(log.stat().st_mode)
    finally:
        stop(proc)


def test_existing_world_readable_log_file_tightened(tmp_path: Path) -> None:
    """A log file left 0644 by an older estra is tightened to 0640 on start."""
    log = tmp_path / "estra.log"
    log.write_text("old lines\n")
    log.chmod(0o644)
    proc = start_with_logfile(tmp_path, log)
    try:
        assert stat.S_IMODE(log.stat().st_mode) == 0o640
    finally:
        stop(proc)


def test_operator_umask_respected(tmp_path: Path) -> None:
    """twistd --umask 077 gives a 0600 log file."""
    log = tmp_path / "estra.log"
    proc = start_with_logfile(tmp_path, log, "--umask", "077")
    try:
        assert stat.S_IMODE(log.stat().st_mode) == 0o600
    finally:
        stop(proc)


