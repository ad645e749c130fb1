"""Learner accounts and the per-learner rate limit."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from molly.errors import MollyError
from molly.learners import LearnerAccounts, RateLimitedError, RateLimiter


def test_rate_limit_is_a_sliding_window_per_learner() -> None:
    limit = RateLimiter(3, 600)
    for t in (0, 10, 20):
        limit.take("ada", now=t)
    with pytest.raises(RateLimitedError, match="ask again in 10 minutes"):
        limit.take("ada", now=30)
    limit.take("bob", now=30)  # another learner is not affected
    limit.take("ada", now=600.5)  # the first question has left the window
    with pytest.raises(RateLimitedError, match="ask again in 9 seconds"):
        limit.take("ada", now=600.6)


def test_accounts_store_only_hashes_and_check_passwords(tmp_path: Path) -> None:
    accounts = LearnerAccounts(tmp_path / "learners.txt")
    issued = dict(accounts.add(["ada", "bob.smith@school"]))
    text = (tmp_path / "learners.txt").read_text()
    assert all(pw not in text for pw in issued.values()) and "scrypt$" in text
    assert stat.S_IMODE((tmp_path / "learners.txt").stat().st_mode) == 0o600
    assert accounts.verify("ada", issued["ada"]) and not accounts.verify("ada", issued["bob.smith@school"])
    assert not accounts.verify("eve", issued["ada"])
    new = dict(accounts.add(["ada"]))  # a reset replaces the old password
    assert accounts.verify("ada", new["ada"]) and not accounts.verify("ada", issued["ada"])
    assert accounts.names() == ["ada", "bob.smith@school"]
    with pytest.raises(MollyError, match="Learner names"):
        accounts.add(["bad:name"])


def test_cli_adds_learners_and_prints_their_passwords_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from molly.cli import main

    monkeypatch.setenv("MOLLY_LEARNERS_FILE", str(tmp_path / "learners.txt"))
    assert main(["learners", "add", "ada", "bob"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "name,password" and [line.split(",")[0] for line in lines[1:]] == ["ada", "bob"]
    assert LearnerAccounts(tmp_path / "learners.txt").verify("bob", lines[2].split(",")[1])
    assert main(["learners", "list"]) == 0 and capsys.readouterr().out.split() == ["ada", "bob"]
