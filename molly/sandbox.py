"""Run untrusted Python (a draft's code block, a learner's snippet) in a sandbox.

Isolation, where the machine allows it (``unshare`` from util-linux, as root or with user
namespaces): new network namespace (no interface but a downed loopback), new PID namespace
(a fresh ``/proc``: no other process is visible or signalable, ``/proc/1/environ`` is its own),
new mount namespace in which a fresh ``/tmp`` is the working directory and the app's folders
(repository, caches, course data, home directories, ``/run``, ...) are covered by empty
``tmpfs`` mounts. As root it also drops to ``nobody``, so the rest of the file system is
read-only to it and the process cap holds. Always: an empty environment, ``python -I -S``
(standard library only), CPU time, address space, file size, process and output caps, a wall
clock, and the whole process tree killed at the end.

Where namespaces are unavailable the fallback keeps only the last list (the program could then
read files the app's user can read, and reach the network); ``Sandbox.isolation`` says which
one is in force, and the answer's checks report it.
"""

from __future__ import annotations

import os
import re
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PYTHON_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"
NOBODY = 65534

# Folders covered by an empty tmpfs inside the sandbox (when they exist), besides the app's own.
_HIDDEN = ("/home", "/root", "/srv", "/opt", "/mnt", "/media", "/var/tmp", "/var/lib", "/var/log", "/var/mail",
           "/var/spool", "/var/cache", "/dev/shm", "/run", "/work", "/workspace", "/builds")

# Runs inside the namespaces as the sandbox's PID 1 (its children are the program).
_BOOT = r"""
set -eu
prefix="$1"; python="$2"; drop="$3"; shift 3
mount -t tmpfs -o mode=1777,size=64m,nosuid,nodev tmpfs /tmp
mkdir -p /tmp/.py /tmp/work
mount --bind "$prefix" /tmp/.py
mount -o remount,bind,ro /tmp/.py 2>/dev/null || true
for d in "$@"; do
  if [ -d "$d" ]; then mount -t tmpfs -o mode=755,size=1m,nosuid,nodev tmpfs "$d"; fi
done
if [ ! -x "$python" ]; then mkdir -p "$prefix"; mount --bind /tmp/.py "$prefix"; fi
printf '%s' "$MOLLY_SANDBOX_CODE" > /tmp/work/main.py
chmod 777 /tmp/work
cd /tmp/work
unset MOLLY_SANDBOX_CODE
set +e
if [ "$drop" = 1 ]; then
  setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs "$python" -I -S main.py </dev/null
else
  "$python" -I -S main.py </dev/null
fi
exit $?
"""


@dataclass(frozen=True)
class RunResult:
    """What a sandboxed run did."""

    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False
    output_truncated: bool = False
    isolation: str = ""

    @property
    def ok(self) -> bool:
        """Ran to the end without an exception, a timeout or a limit."""
        return self.returncode == 0 and not self.timed_out and not self.output_truncated

    @property
    def error(self) -> str:
        """The exception line of the traceback (e.g. ``ZeroDivisionError: division by zero``), or why it stopped."""
        if self.timed_out:
            return "the program ran past its time limit"
        if self.output_truncated:
            return "the program printed more than the output limit"
        lines = [ln for ln in self.stderr.strip().splitlines() if ln.strip()]
        if self.returncode == 0:
            return ""
        sig = -self.returncode if self.returncode < 0 else self.returncode - 128 if self.returncode > 128 else 0
        if sig:
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
            why = {"SIGXCPU": "CPU time limit", "SIGKILL": "a resource limit", "SIGXFSZ": "file size limit",
                   "SIGSEGV": "a crash, often the memory limit"}.get(name, "a signal")
            return f"the program was stopped by {name} ({why})"
        return lines[-1] if lines else f"exit status {self.returncode}"


@cache
def namespaces_available() -> str:
    """'root' or 'user' if ``unshare`` can make the namespaces here (as root, or via a user
    namespace), else '' (the weaker fallback is used)."""
    if not shutil.which("unshare"):
        return ""
    base = ["unshare", "--net", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc"]
    modes = (("root", base), ("user", [*base[:1], "--user", "--map-root-user", *base[1:]]))
    for mode, cmd in modes:
        if mode == "root" and (os.geteuid() != 0 or not shutil.which("setpriv")):
            continue
        try:
            probe = subprocess.run([*cmd, "sh", "-c", "mount -t tmpfs tmpfs /tmp"], capture_output=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return mode
    return ""


class Sandbox:
    """Runs Python source with the limits below (defaults from SECURITY.md S8)."""

    def __init__(self, *, cpu_s: int = 5, wall_s: float = 10.0, memory_mb: int = 256, output_bytes: int = 64 << 10,
                 file_bytes: int = 1 << 20, max_processes: int = 32, hide: tuple[Path, ...] = ()) -> None:
        self.cpu_s, self.wall_s, self.memory_mb = cpu_s, wall_s, memory_mb
        self.output_bytes, self.file_bytes, self.max_processes = output_bytes, file_bytes, max_processes
        self.mode = namespaces_available()
        from molly.config import REPO_ROOT

        app = {str(REPO_ROOT), str(Path.home()), *(str(p) for p in hide)}
        self.hidden = sorted(set(_HIDDEN) | app)
        self.python = os.path.realpath(sys._base_executable if hasattr(sys, "_base_executable") else sys.executable)
        self.prefix = sys.base_prefix

    @property
    def isolation(self) -> str:
        """How strongly code is isolated here, in words for the answer's checks."""
        if self.mode:
            return "sandboxed (no network, private files and processes)"
        return "limits only (no namespaces on this machine: network and files not isolated)"

    def _limits(self) -> None:  # runs in the child before exec
        mem = self.memory_mb << 20
        resource.setrlimit(resource.RLIMIT_CPU, (self.cpu_s, self.cpu_s + 1))
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.file_bytes, self.file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if self.mode != "root":  # as root the cap is set for 'nobody' below; root itself ignores it
            # RLIMIT_NPROC counts all of this user's processes, so allow the current ones plus a margin.
            mine = sum(1 for p in Path("/proc").iterdir() if p.name.isdigit() and _owned(p))
            resource.setrlimit(resource.RLIMIT_NPROC, (mine + self.max_processes,) * 2)
        else:
            resource.setrlimit(resource.RLIMIT_NPROC, (self.max_processes, self.max_processes))

    def run(self, code: str) -> RunResult:
        """Run ``code`` as a script (stdin empty) and return what happened."""
        if len(code.encode()) > 64 << 10:
            return RunResult(1, "", "the code is longer than 64 KiB", isolation=self.isolation)
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
               "PYTHONHASHSEED": "0", "MOLLY_SANDBOX_CODE": code}
        workdir = None
        if self.mode:
            unshare = ["unshare", "--net", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc"]
            if self.mode == "user":
                unshare[1:1] = ["--user", "--map-root-user"]
            cmd = [*unshare, "sh", "-c", _BOOT, "boot", self.prefix, self.python,
                   "1" if self.mode == "root" else "0", *self.hidden]
            cwd = "/"
        else:
            workdir = tempfile.mkdtemp(prefix="molly-run-")
            Path(workdir, "main.py").write_text(code, encoding="utf-8")
            del env["MOLLY_SANDBOX_CODE"]
            cmd, cwd = [self.python, "-I", "-S", "main.py"], workdir
        try:
            return self._communicate(cmd, cwd, env)
        finally:
            if workdir:
                shutil.rmtree(workdir, ignore_errors=True)

    def _communicate(self, cmd: list[str], cwd: str, env: dict[str, str]) -> RunResult:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True, preexec_fn=self._limits)
        assert proc.stdout is not None and proc.stderr is not None
        fo, fe = proc.stdout.fileno(), proc.stderr.fileno()
        out: dict[int, list[bytes]] = {fo: [], fe: []}
        size, truncated, timed_out = 0, False, False
        deadline = time.monotonic() + self.wall_s
        open_fds = set(out)
        while open_fds:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select(list(open_fds), [], [], left)
            for fd in ready:
                block = os.read(fd, 1 << 16)
                if not block:
                    open_fds.discard(fd)
                    continue
                out[fd].append(block)
                size += len(block)
            if size > self.output_bytes:
                truncated = True
                break
        _kill_tree(proc)
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()

        def text(fd: int) -> str:
            return b"".join(out[fd])[: self.output_bytes].decode("utf-8", "replace")

        return RunResult(-9 if timed_out else proc.returncode, text(fo), text(fe), timed_out, truncated, self.isolation)


def _owned(proc_dir: Path) -> bool:
    try:
        return proc_dir.stat().st_uid == os.getuid()
    except OSError:
        return False


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """Kill the run's process group (in namespace mode, killing ``unshare`` kills the whole PID
    namespace through ``--kill-child``)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# Reading a run's error.
# Errors that mean "this snippet needs context it does not have", not "this code is wrong".
_FRAGMENT = ("NameError", "FileNotFoundError", "ModuleNotFoundError", "ImportError", "EOFError", "PermissionError",
             "IsADirectoryError", "NotADirectoryError", "OSError", "ConnectionError", "TimeoutError")
_STDLIB_IMPORT = re.compile(r"^ImportError: cannot import name '([^']+)' from '([\w.]+)'")


def needs_context(error: str) -> bool:
    """Whether an error means missing context (a file, a third-party module, a name defined
    elsewhere) rather than wrong code. Importing a name the standard library does not have is
    wrong code: the model wrote ``from itertools import unique_everseen`` (a docs recipe)."""
    if missing_from_stdlib(error):
        return False
    return error.split(":", 1)[0].strip() in _FRAGMENT


def missing_from_stdlib(error: str) -> tuple[str, str] | None:
    """(name, module) when ``error`` says a standard-library module has no such name to import."""
    m = _STDLIB_IMPORT.match(error)
    return (m.group(1), m.group(2)) if m and m.group(2).split(".")[0] in sys.stdlib_module_names else None
