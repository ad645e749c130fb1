"""The packaged GGUF: assembled once, verified by sha256, corrupt copies replaced; bad paths refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from molly import model_files
from molly.errors import ModelFileError


def test_check_gguf_refuses_missing_and_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="does not exist"):
        model_files.check_gguf(tmp_path / "nope.gguf")
    html = tmp_path / "page.gguf"
    html.write_text("<html>")
    with pytest.raises(ModelFileError, match="not a GGUF"):
        model_files.check_gguf(html)


def test_assembly_verifies_the_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = []
    for i, data in enumerate([b"GGUF" + b"a" * 10, b"b" * 7]):
        p = tmp_path / f"part{i}.bin"
        p.write_bytes(data)
        parts.append(p)
    whole = b"GGUF" + b"a" * 10 + b"b" * 7
    import hashlib

    monkeypatch.setattr(model_files, "part_paths", lambda: parts)
    monkeypatch.setattr(model_files, "GGUF_SIZE", len(whole))
    monkeypatch.setattr(model_files, "GGUF_SHA256", hashlib.sha256(whole).hexdigest())
    path = model_files.packaged_gguf(tmp_path / "cache")
    assert path.read_bytes() == whole
    # A corrupted cached copy (same size) is detected and replaced.
    path.write_bytes(b"GGUF" + b"x" * (len(whole) - 4))
    path.with_suffix(".verified").unlink()
    assert model_files.packaged_gguf(tmp_path / "cache").read_bytes() == whole
    # Corrupt parts never produce a model file.
    parts[1].write_bytes(b"c" * 7)
    path.unlink()
    with pytest.raises(ModelFileError, match="corrupt"):
        model_files.packaged_gguf(tmp_path / "cache")
    assert not path.exists() and not list((tmp_path / "cache" / "models").glob("*.tmp*"))


def test_real_parts_are_all_installed() -> None:
    paths = model_files.part_paths()
    assert len(paths) == model_files.PARTS
    assert sum(p.stat().st_size for p in paths) == model_files.GGUF_SIZE
