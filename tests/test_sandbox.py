"""S8: the code sandbox. Over 30 escape probes (network, the app's files and secrets, other
processes, writing outside, resource exhaustion) with 0 escapes, and 100 runs leaking 0 processes.

A probe prints ESCAPED if it got out; effects outside the sandbox are also checked from here.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from molly.config import REPO_ROOT
from molly.sandbox import Sandbox, namespaces_available

ISOLATED = bool(namespaces_available())
needs_ns = pytest.mark.skipif(not ISOLATED, reason="no Linux namespaces here: only the limits are enforced")


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture
def listener() -> Iterator[tuple[int, list[str]]]:
    """A TCP server on the host's loopback that records every connection."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    hits: list[str] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                hits.append("connected")
                conn.close()
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join()
    server.close()


def attempt(body: str) -> str:
    """A probe: ``body`` runs in a try; reaching the end prints ESCAPED."""
    indented = "\n".join("    " + line for line in body.strip().splitlines())
    return f"try:\n{indented}\n    print('ESCAPED')\nexcept BaseException as e:\n    print('blocked', type(e).__name__)\n"


@needs_ns
def test_network_probes(sandbox: Sandbox, listener: tuple[int, list[str]]) -> None:
    port, hits = listener
    probes = [
        f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2)",
        f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/', timeout=2)",
        "import socket; socket.create_connection(('1.1.1.1', 53), timeout=2)",
        "import socket; socket.getaddrinfo('example.com', 443)",
        "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b'x', ('8.8.8.8', 53))",
        f"import socket; socket.create_connection(('::1', {port}), timeout=2)",
    ]
    for probe in probes:
        result = sandbox.run(attempt(probe))
        assert "ESCAPED" not in result.stdout and "blocked" in result.stdout, (probe, result)
    assert hits == []


@needs_ns
def test_file_and_secret_probes(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = "s3cr3t-" + os.urandom(6).hex()
    monkeypatch.setenv("MOLLY_OPENAI_API_KEY", secret)
    env_file = REPO_ROOT / ".env.sandbox-probe"
    env_file.write_text(f"API_KEY={secret}\n")
    host_tmp = tmp_path / "host-secret.txt"
    host_tmp.write_text(secret)
    home_file = Path.home() / ".molly-sandbox-probe"
    home_file.write_text(secret)
    targets = [REPO_ROOT / "probe-out", Path("/etc/molly-probe"), Path("/usr/molly-probe"), Path.home() / "probe-out",
               tmp_path / "probe-out", Path("/var/tmp/molly-probe"), Path("/dev/shm/molly-probe")]
    try:
        reads = [f"open({str(p)!r}).read()" for p in (env_file, host_tmp, home_file)] + [
            f"print(open('/proc/1/environ').read()); assert {secret!r} in open('/proc/1/environ').read()",
            f"open('/proc/{os.getpid()}/environ').read()",
            "import os; assert os.environ.get('MOLLY_OPENAI_API_KEY')",
            "open('/etc/shadow').read()",
            f"import os; os.listdir({str(REPO_ROOT / 'molly')!r})",
            f"import os; os.listdir({str(Path.home() / '.cache')!r}) and None; assert os.listdir({str(Path.home() / '.cache')!r})",
            "import os; os.symlink('/proc/1/root', 'r'); assert os.listdir('r/' + 'home') or os.listdir('r/root/.cache')",
            "import os; os.setuid(0)",
            "import subprocess; subprocess.run(['mount', '-t', 'tmpfs', 'x', '/mnt'], check=True)",
            "import os; assert os.path.exists('/run/docker.sock') or os.path.exists('/var/run/docker.sock')",
        ]
        writes = [f"open({str(p)!r}, 'w').write('x')" for p in targets]
        for probe in reads + writes:
            result = sandbox.run(attempt(probe))
            assert "ESCAPED" not in result.stdout and secret not in result.stdout + result.stderr, (probe, result)
            assert "blocked" in result.stdout, (probe, result)  # the probe ran (no syntax slip made it vacuous)
        assert not any(p.exists() for p in targets)
    finally:
        env_file.unlink()
        home_file.unlink()


@needs_ns
def test_process_probes(sandbox: Sandbox) -> None:
    me = os.getpid()
    probes = [
        f"import os, signal; os.kill({me}, signal.SIGTERM)",
        "import os, signal; os.kill(os.getppid(), signal.SIGKILL); assert os.getppid() > 1",
        "import os; assert len([p for p in os.listdir('/proc') if p.isdigit()]) > 5",
        f"open('/proc/{me}/cmdline').read()",
        "import os, signal; os.kill(-1, signal.SIGKILL); print('still here'); assert False",
    ]
    for probe in probes:
        result = sandbox.run(attempt(probe))
        assert "ESCAPED" not in result.stdout, (probe, result)
        assert "blocked" in result.stdout or "kill(-1" in probe, (probe, result)  # kill(-1) kills the probe itself
    assert os.getpid() == me  # alive


def test_resource_probes(sandbox: Sandbox) -> None:
    cases = {
        "while True: pass": "SIGXCPU",
        "x = bytearray(1 << 30)": "MemoryError",
        "import os\nwhile True:\n    os.fork()": "",
        "import threading, time\nts = [threading.Thread(target=time.sleep, args=(5,)) for _ in range(5000)]\nfor t in ts: t.start()": "",
        "print('x' * 10_000_000)": "output limit",
        "import time; time.sleep(60)": "time limit",
        "open('big.bin', 'wb').write(b'0' * (50 << 20))": "File too large",
        "import sys; sys.setrecursionlimit(10**6)\ndef f(n): return f(n + 1)\nf(0)": "",
    }
    for code, expected in cases.items():
        result = sandbox.run(code)
        assert not result.ok, (code, result)
        assert expected in result.error, (code, result.error)


def _stragglers(marker: str) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,user,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if marker in line or " nobody " in f" {line} "]


def test_a_hundred_runs_leak_no_process(sandbox: Sandbox) -> None:
    daemon = ("import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
              "        time.sleep(120)\n    os._exit(0)\nprint('parent done')\n")
    for i in range(100):
        code = daemon if i % 10 == 0 else "import os\nfor _ in range(3):\n    os.fork() or os._exit(0)\nprint('ok')"
        assert sandbox.run(code).returncode == 0
    assert _stragglers("main.py") == []
