#!/usr/bin/env bash
# The test suite. With --fast: lint and the unit and logic tests with fakes (no packaged model, no
# browser, no vLLM, no server; markers in pyproject.toml). Without: lint, mypy over molly/, then
# everything: the real packaged models, the real index, llama.cpp's OpenAI-compatible server, a
# real Gradio server in Chromium, vLLM's CPU build (loopback only).
set -uo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
fast=0
if [ "${1:-}" = "--fast" ]; then fast=1; shift; fi
.venv/bin/ruff check molly tests eval app.py scripts || exit 1
if [ "$fast" = 1 ]; then
    .venv/bin/python -m pytest -m "not (model or browser or vllm or server or slow)" "$@"
else
    # The e2e tests drive Debian's Chromium (never a downloaded browser); install it once if missing.
    if ! command -v chromium >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "installing Debian's chromium for the browser tests" >&2
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
        else
            echo "the browser tests need Debian's chromium: sudo apt-get install chromium" >&2
        fi
    fi
    .venv/bin/mypy molly || exit 1
    .venv/bin/python -m pytest "$@"
fi
rc=$?
# pytest exits 5 when it collected no test: that is a failure here, never a pass.
if [ "$rc" -eq 5 ]; then echo "no tests were collected: failing" >&2; exit 1; fi
exit "$rc"
