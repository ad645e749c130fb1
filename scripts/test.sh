#!/usr/bin/env bash
# The whole test suite: unit tests with fakes, then integration tests with the real packaged models,
# the real index, llama.cpp's OpenAI-compatible server and a real Gradio server (loopback only).
set -uo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/ruff check molly tests eval app.py || exit 1
.venv/bin/python -m pytest "$@"
rc=$?
# pytest exits 5 when it collected no test: that is a failure here, never a pass.
if [ "$rc" -eq 5 ]; then echo "no tests were collected: failing" >&2; exit 1; fi
exit "$rc"
