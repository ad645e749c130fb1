"""Learners on a shared server: accounts (required off loopback) and a per-learner rate limit.

Accounts live in a plain file of ``name:scrypt-hash`` lines that ``molly learners add`` writes;
passwords are never stored. Not here: the instructors' login (``instructors.py``).
"""

from __future__ import annotations

import os
import re
import secrets
import threading
import time
from collections import deque
from pathlib import Path

from molly.auth import hash_password, verify_password
from molly.errors import MollyError

LEARNER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class RateLimitedError(MollyError):
    """The learner asked too many questions in the window; the message says how long to wait."""


class RateLimiter:
    """At most ``limit`` events per ``window_s`` seconds per key (a sliding window), thread-safe."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit, self.window_s = limit, window_s
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> None:
        """Count one event for ``key``, or raise ``RateLimitedError`` saying when to come back."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window_s:
                events.popleft()
            if len(events) >= self.limit:
                wait = events[0] + self.window_s - now
                raise RateLimitedError(
                    f"You've asked {self.limit} questions in the last {_duration(self.window_s)}. "
                    f"Please take a moment with the answers so far; you can ask again in {_duration(wait)}.",
                    detail=f"rate limit for {key}")
            events.append(now)
            if len(self._events) > 10_000:  # forget idle learners so the table cannot grow forever
                for k in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window_s]:
                    del self._events[k]


def _duration(seconds: float) -> str:
    seconds = max(1, round(seconds))
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{round(seconds / 60)} minutes"


class LearnerAccounts:
    """The accounts file: checks logins (Gradio's ``auth`` callable) and adds learners."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        if not self.path.is_file():
            return {}
        accounts = {}
        for line in self.path.read_text(encoding="utf-8").splitlines():
            name, sep, stored = line.strip().partition(":")
            if sep and not line.startswith("#"):
                accounts[name] = stored
        return accounts

    def names(self) -> list[str]:
        """Every learner's name, sorted."""
        return sorted(self._read())

    def verify(self, name: str, password: str) -> bool:
        """True if ``name`` exists and ``password`` is theirs (the file is re-read, so learners
        added while the server runs can log in at once)."""
        stored = self._read().get(name)
        return stored is not None and verify_password(password, stored)

    def add(self, names: list[str]) -> list[tuple[str, str]]:
        """Create (or reset) each learner with a fresh random password; returns (name, password)
        pairs for the instructor to hand out. The file is replaced atomically, mode 600."""
        bad = [n for n in names if not LEARNER_NAME.match(n)]
        if bad:
            raise MollyError(f"Learner names may use letters, digits, '.', '_', '@' and '-': {', '.join(bad)}")
        accounts = self._read()
        issued = []
        for name in names:
            password = "-".join(secrets.choice(_WORDS) for _ in range(4))
            accounts[name] = hash_password(password)
            issued.append((name, password))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("".join(f"{n}:{h}\n" for n, h in sorted(accounts.items())))
        os.replace(tmp, self.path)
        return issued


# Short, unambiguous words for passphrases (4 of 60 words: about 24 bits, with scrypt and per-learner
# rate limits enough for a class server; instructors may reset any learner at any time).
_WORDS = ("acorn amber apple arrow badge basil berry birch blade bloom brick cable candle canyon cedar chalk "
          "cloud clover comet coral crane daisy delta dune eagle ember fable fern flint forest frost garnet "
          "glade granite harbor hazel heron island ivory jade kettle lagoon lantern lemon maple meadow "
          "mint nectar nickel oasis olive orbit otter pebble pepper pine plum quartz raven river").split()
