#!/usr/bin/env bash
# The whole test suite: unit tests with fakes, then integration tests with the real packaged models,
# the real index, llama.cpp's OpenAI-compatible server and a real Gradio server (loopback only).
set -uo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
# The e2e tests drive Debian's Chromium (never a downloaded browser); install it once if missing.
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing Debian's chromium for the browser tests" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
    else
        echo "the browser tests need Debian's chromium: sudo apt-get install chromium" >&2
    fi
fi
.venv/bin/ruff check molly tests eval app.py || exit 1
.venv/bin/python -m pytest "$@"
rc=$?
# pytest exits 5 when it collected no test: that is a failure here, never a pass.
if [ "$rc" -eq 5 ]; then echo "no tests were collected: failing" >&2; exit 1; fi
exit "$rc"
