"""Settings: environment, validation, typos."""

from __future__ import annotations

import pytest

from molly.config import Settings


def test_env_is_read_and_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOLLY_TOP_K", "6")
    monkeypatch.setenv("MOLLY_LLM_BACKEND", "openai")
    s = Settings()
    assert s.top_k == 6 and s.llm_backend == "openai"


@pytest.mark.parametrize("key,value,match", [
    ("MOLLY_TOPK", "3", "did you mean MOLLY_TOP_K"),
    ("MOLLY_TOP_K", "0", "greater than 0"),
    ("MOLLY_LLM_BACKEND", "gpt", "embedded"),
    ("MOLLY_CANDIDATE_K", "1", "candidate_k must be >= top_k"),
])
def test_bad_settings_fail_with_the_bad_value_named(monkeypatch: pytest.MonkeyPatch, key: str, value: str, match: str) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(ValueError, match=match):
        Settings()


def test_settings_are_frozen() -> None:
    with pytest.raises(ValueError):
        Settings().top_k = 9  # type: ignore[misc]
