"""Turn the paths an instructor gives (files, folders, zip archives) into named byte strings,
refusing what is unsafe before anything is parsed.

Caps (from ``Limits``): bytes per file, entries per archive, total unpacked bytes per archive,
compression ratio per entry. Refused outright: symlinks, zip entries with absolute or ``..``
paths, encrypted entries, archives inside archives. Archives are read in memory, entry by
entry, with the real decompressed size bounded (a lying header cannot get past the cap), so
nothing is ever unpacked to disk. Not here: parsing (``formats.py``), storing (``courses/``).
"""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from molly.ingest.formats import format_of

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Caps on what one ingestion accepts."""

    max_file_bytes: int = 20 << 20
    max_zip_entries: int = 500
    max_unpacked_bytes: int = 200 << 20
    max_ratio: float = 100.0


@dataclass(frozen=True)
class Item:
    """One candidate file: its display name and bytes, or the reason it was refused."""

    name: str
    data: bytes | None = None
    fmt: str | None = None
    refused: str = ""


def collect(paths: list[Path], limits: Limits) -> Iterator[Item]:
    """Every file under ``paths`` in a stable order, zip archives opened (one level)."""
    for root in paths:
        if root.is_symlink():
            yield Item(root.name, refused="is a symbolic link; links are not followed")
        elif root.is_dir():
            for path in sorted(root.rglob("*")):
                rel = path.relative_to(root)
                if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                    continue
                name = f"{root.name}/{rel.as_posix()}"
                if path.is_symlink():
                    yield Item(name, refused="is a symbolic link; links are not followed")
                elif path.is_file():
                    yield from _file(path, name, limits)
        elif root.is_file():
            yield from _file(root, root.name, limits)
        else:
            yield Item(str(root), refused="does not exist")


def _file(path: Path, name: str, limits: Limits) -> Iterator[Item]:
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        yield Item(name, refused=f"is {size / MB:.1f} MB; the limit is {limits.max_file_bytes / MB:.0f} MB")
        return
    if path.suffix.lower() == ".zip":
        yield from _archive(path, name, limits)
        return
    fmt = format_of(name)
    if fmt is None:
        yield Item(name, refused=f"is not a supported format ({path.suffix or 'no extension'})")
        return
    yield Item(name, path.read_bytes(), fmt)


def _archive(path: Path, name: str, limits: Limits) -> Iterator[Item]:
    try:
        zf = zipfile.ZipFile(path)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as e:
        yield Item(name, refused=f"is not a readable zip archive ({e})")
        return
    files = [i for i in infos if not i.is_dir()]
    if len(files) > limits.max_zip_entries:
        yield Item(name, refused=f"has {len(files)} entries; the limit is {limits.max_zip_entries}")
        return
    total = 0
    with zf:
        for info in files:
            entry = f"{name}/{info.filename}"
            why = _unsafe(info, limits)
            if not why and total + info.file_size > limits.max_unpacked_bytes:
                why = f"would unpack past the archive limit of {limits.max_unpacked_bytes / MB:.0f} MB"
            fmt = format_of(info.filename)
            if not why and info.filename.lower().endswith(".zip"):
                why = "is an archive inside an archive; these are not opened"
            elif not why and fmt is None:
                why = f"is not a supported format ({PurePosixPath(info.filename).suffix or 'no extension'})"
            if why:
                yield Item(entry, refused=why)
                continue
            try:
                with zf.open(info) as f:
                    data = f.read(limits.max_file_bytes + 1)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as e:
                yield Item(entry, refused=f"could not be unpacked ({type(e).__name__})")
                continue
            if len(data) > limits.max_file_bytes:
                yield Item(entry, refused=f"unpacks past the file limit of {limits.max_file_bytes / MB:.0f} MB")
                continue
            total += len(data)
            yield Item(entry, data, fmt)


def _unsafe(info: zipfile.ZipInfo, limits: Limits) -> str:
    p = PurePosixPath(info.filename.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]):
        return "has an unsafe path (absolute or with '..'); refused"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "is a symbolic link; refused"
    if info.flag_bits & 0x1:
        return "is encrypted; refused"
    if info.file_size > limits.max_file_bytes:
        return f"is {info.file_size / MB:.1f} MB unpacked; the limit is {limits.max_file_bytes / MB:.0f} MB"
    if info.file_size > 1 << 20 and info.file_size / max(info.compress_size, 1) > limits.max_ratio:
        return f"compresses {info.file_size / max(info.compress_size, 1):.0f}:1, which looks like a zip bomb; refused"
    return ""
