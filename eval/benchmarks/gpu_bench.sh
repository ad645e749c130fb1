#!/usr/bin/env bash
# GPU benchmark (not a test), one short prepared run (< 10 minutes on an H200-class GPU):
# a 7B-class instruct model on vLLM, 16/64/128 concurrent learners, p50/p95 seconds per checked
# answer and aggregate tokens/s, Molly against vLLM's raw throughput for the same requests.
#
#   MODEL=/models/Qwen2.5-Coder-7B-Instruct bash eval/benchmarks/gpu_bench.sh
#
# MODEL is a Hugging Face model id (needs the hub) or a local folder (an offline machine).
# Needs Molly's environment (make install) for the client side; vLLM gets its own.
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL=${MODEL:-Qwen/Qwen2.5-Coder-7B-Instruct}
PORT=${PORT:-8010}
OUT=${OUT:-eval/benchmarks/results/gpu.json}
tmp=$(mktemp -d)
.venv/bin/python scripts/vllm_server.py serve --gpu --model "$MODEL" --port "$PORT" --pidfile "$tmp/pid" \
    --log "$tmp/vllm.log" --timeout 420 -- --gpu-memory-utilization 0.90 --max-num-seqs 256
trap 'kill -TERM -- -"$(cat "$tmp/pid")" 2>/dev/null || true' EXIT
.venv/bin/python eval/benchmarks/vllm_bench.py --url "http://127.0.0.1:$PORT/v1" --levels 16 64 128 --out "$OUT"
