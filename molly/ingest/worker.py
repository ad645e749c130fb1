"""Parse untrusted files in a separate process with memory and time limits.

``ParseWorker`` keeps one ``python -m molly.ingest.worker`` subprocess (started lazily, restarted
after a crash or a timeout) and sends it one file at a time: a JSON header line, then the bytes.
The worker answers one JSON line: the parsed document or a reason. Limits: address space
(``parse_memory_mb``), no file writes (``RLIMIT_FSIZE`` 0), no core dumps, a fresh empty working
directory, a minimal environment; the parent kills it if one file takes longer than
``timeout_s``. A crash or timeout costs that one file, reported with a reason, never the run.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
import time

from molly.ingest.formats import Parsed, ParseError, parse


class ParseWorker:
    """Client side: ``parse(name, fmt, data)`` returns ``Parsed`` or raises ``ParseError``."""

    def __init__(self, memory_mb: int = 1024, timeout_s: float = 20.0, include_outputs: bool = False) -> None:
        self.memory_mb, self.timeout_s, self.include_outputs = memory_mb, timeout_s, include_outputs
        self._proc: subprocess.Popen[bytes] | None = None
        self._dir: tempfile.TemporaryDirectory[str] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._dir = self._dir or tempfile.TemporaryDirectory(prefix="molly-parse-")
        limit = self.memory_mb << 20

        def limits() -> None:  # runs in the child, before exec
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            os.setsid()  # its own process group, so a kill takes anything it started

        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
        self._proc = subprocess.Popen([sys.executable, "-I", "-m", "molly.ingest.worker"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=self._dir.name,
                                      env=env, preexec_fn=limits)
        return self._proc

    def parse(self, name: str, fmt: str, data: bytes) -> Parsed:
        """Parse one file in the worker; ``ParseError`` with a reason if it cannot be read."""
        proc = self._start()
        header = json.dumps({"name": name, "fmt": fmt, "size": len(data), "outputs": self.include_outputs})
        try:
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(header.encode() + b"\n" + data)
            proc.stdin.flush()
            line = self._read_line(proc)
        except (BrokenPipeError, OSError):
            self.close()
            raise ParseError("crashed the file reader (out of memory?)") from None
        if line is None:
            self.close()
            raise ParseError(f"took longer than {self.timeout_s:g} s to read")
        if not line:
            self.close()
            raise ParseError("crashed the file reader (out of memory?)")
        reply = json.loads(line)
        if "error" in reply:
            raise ParseError(reply["error"])
        return Parsed.from_json(reply["parsed"])

    def _read_line(self, proc: subprocess.Popen[bytes]) -> bytes | None:
        """One reply line, b"" if the worker died, None on timeout."""
        assert proc.stdout is not None
        deadline = time.monotonic() + self.timeout_s
        chunks: list[bytes] = []
        fd = proc.stdout.fileno()
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            block = os.read(fd, 1 << 16)
            if not block:
                return b""
            chunks.append(block)
            if block.endswith(b"\n"):
                return b"".join(chunks)

    def close(self) -> None:
        """Stop the worker (killing it if need be) and remove its working directory."""
        if self._proc is not None:
            if self._proc.poll() is None:
                try:
                    os.killpg(self._proc.pid, 9)
                except ProcessLookupError:
                    pass
            self._proc.wait()
            for f in (self._proc.stdin, self._proc.stdout):
                if f is not None:
                    f.close()
            self._proc = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    def __enter__(self) -> ParseWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve() -> None:
    """Worker side: read header + bytes, answer one JSON line, repeat until stdin closes."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.setrecursionlimit(2000)
    while header := stdin.readline():
        request = json.loads(header)
        data = stdin.read(request["size"])
        reply: dict[str, object]
        try:
            reply = {"parsed": parse(request["name"], request["fmt"], data, request["outputs"]).to_json()}
        except ParseError as e:
            reply = {"error": str(e)}
        except MemoryError:
            reply = {"error": "needs more memory to read than allowed"}
        except RecursionError:
            reply = {"error": "is nested too deeply to read"}
        except Exception as e:  # noqa: BLE001 - any parser bug is this file's problem, not the run's
            reply = {"error": f"could not be read ({type(e).__name__})"}
        stdout.write(json.dumps(reply).encode() + b"\n")
        stdout.flush()


if __name__ == "__main__":
    _serve()
