"""The plumbing every phase of the benchmark shares: logging, the load-average notes kept with the
numbers, the machine's description, and child processes (a command's wall time and peak RSS, killed at
its deadline; the CPU time of a process and its descendants)."""

from __future__ import annotations
import os
import platform
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


LOADAVG: list[tuple[str, str, tuple[float, float, float]]] = []  # (time, phase, 1/5/15-min load)


def log(msg: str) -> None:
    print(msg, flush=True)


def note_load(phase: str) -> None:
    """Other processes on a 2-core machine change every number here: keep the load average with them."""
    LOADAVG.append((time.strftime("%H:%M:%S"), phase, os.getloadavg()))


# --------------------------------------------------------------------------- machine

def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"nproc": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform()}
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        info["cpu"] = re.search(r"model name\s*:\s*(.*)", cpu).group(1)
        mem = Path("/proc/meminfo").read_text()
        info["memory_gib"] = round(int(re.search(r"MemTotal:\s*(\d+)", mem).group(1)) / 2**20, 1)
    except (OSError, AttributeError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for pkg in ("pyoxigraph", "rdflib", "pyshacl", "pyshacl-turbo", "fastapi", "uvicorn", "uvloop", "httpx", "PyYAML",
                "oxigraph", "rdflib-endpoint", "matplotlib"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    info["versions"] = versions
    try:
        info["git"] = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                     capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True, text=True,
                               timeout=10).stdout
        info["git_dirty_files"] = len(dirty.splitlines())
    except (OSError, subprocess.SubprocessError):
        pass
    return info


# --------------------------------------------------------------------------- child processes

def run_child(cmd: list[str], deadline: float, cwd: Path = ROOT, env: dict | None = None) -> dict[str, Any]:
    """Run ``cmd``; wall time, peak RSS (ru_maxrss of this child, KiB) and whether it was killed."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True)
    reader.start()
    killed = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            killed = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.2)
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join(5)
    return {"seconds": time.monotonic() - started, "peak_rss_mib": usage.ru_maxrss / 1024, "killed": killed,
            "returncode": proc.returncode, "output": b"".join(output).decode(errors="replace")[-3000:]}


def cpu_seconds(pid: int) -> dict[int, float]:
    """CPU time (user + system, s) of a process and its descendants, by pid (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    tree, todo = {}, [pid]
    while todo:
        p = todo.pop()
        if p in stats:
            tree[p] = stats[p][1]
            todo += [c for c, (parent, _) in stats.items() if parent == p]
    return tree
