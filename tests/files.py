"""Test inputs made on the fly: small PDFs, notebooks, and a seeded generator of hostile files.

Nothing binary is committed: every file comes from a seed, so a failure can be reproduced.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
import zlib
from pathlib import Path


def make_pdf(pages: list[str], *, title: str = "", password: str = "") -> bytes:
    """A valid PDF with one line of Helvetica text per page (via pypdf when encrypting)."""
    objects: list[bytes] = []
    n_pages = len(pages)
    # 1: catalog, 2: pages, 3: font, then (page, content) pairs.
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages):
        safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 11 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1", "replace")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    info = ""
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode())
    data = out.getvalue()
    if password or title:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        if title:
            writer.add_metadata({"/Title": title})
        if password:
            writer.encrypt(password, algorithm="RC4-128")
        buf = io.BytesIO()
        writer.write(buf)
        data = buf.getvalue()
    return data


def make_notebook(cells: list[tuple[str, str]], outputs: dict[int, str] | None = None) -> bytes:
    """A notebook from (cell_type, source) pairs; ``outputs`` maps a cell index to its stdout."""
    nb_cells = []
    for i, (kind, source) in enumerate(cells):
        cell = {"cell_type": kind, "metadata": {}, "source": source}
        if kind == "code":
            text = (outputs or {}).get(i)
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": text}] if text else []
            cell["execution_count"] = None
        nb_cells.append(cell)
    return json.dumps({"cells": nb_cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def _zip(entries: list[tuple[str, bytes]], *, symlink: str = "") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            z.writestr(info, "/etc/passwd")
    return buf.getvalue()


def hostile_files(folder: Path, seed: int = 1234, n: int = 220) -> dict[str, str]:
    """Write ``n`` hostile or awkward files into ``folder``; returns name -> kind. Kinds cover
    truncated/garbled/encrypted/bomb PDFs, zip bombs, zip-slip, symlinks, nested and corrupt
    archives, non-UTF-8 text, NUL bytes, a 50 MB one-line HTML file, 100k-deep nesting, empty
    files, wrong and unknown extensions."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    good_pdf = make_pdf(["Lists are mutable sequences.", "Tuples are immutable."])
    kinds: dict[str, str] = {}

    def put(name: str, data: bytes, kind: str) -> None:
        (folder / name).write_bytes(data)
        kinds[name] = kind

    bomb_stream = zlib.compress(b"\0" * (200 << 20), 9)  # 200 MB of zeros in ~200 KB

    makers = [
        ("truncated.pdf", lambda: good_pdf[: rng.randint(10, len(good_pdf) - 10)], "truncated pdf"),
        ("garbled.pdf", lambda: bytes(b ^ (rng.random() < 0.05) * rng.randint(1, 255) for b in good_pdf), "garbled pdf"),
        ("header-only.pdf", lambda: b"%PDF-1.7\n" + rng.randbytes(rng.randint(0, 3000)), "garbage pdf"),
        ("encrypted.pdf", lambda: make_pdf(["secret lesson"], password="hunter22"), "encrypted pdf"),
        ("stream-bomb.pdf", lambda: b"%%PDF-1.%d" % rng.randint(0, 7) + b"\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] "
            b"/Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n4 0 obj << "
            b"/Filter /FlateDecode /Length " + str(len(bomb_stream)).encode() + b" >>\nstream\n" + bomb_stream +
            b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%EOF", "pdf decompression bomb"),
        ("not-really.pdf", lambda: b"# Just markdown %d\n\nwith a pdf extension" % rng.randint(0, 10**6), "wrong extension"),
        ("zipbomb.zip", lambda: _zip([("big.md", b"a" * (rng.randint(2, 60) << 20))]), "zip bomb"),
        ("slip.zip", lambda: _zip([("../../escaped.md", b"# escaped"), ("/abs/escaped.md", b"# abs"),
                                   ("ok.md", b"# Fine\n\nfine text %d" % rng.randint(0, 10**6))]), "zip slip"),
        ("symlink.zip", lambda: _zip([("ok.md", b"# Fine\n\nfine %d" % rng.randint(0, 10**6))], symlink="link.md"),
         "zip symlink"),
        ("nested.zip", lambda: _zip([("inner.zip", _zip([("a.md", b"# a\n\ntext")]))]), "nested zip"),
        ("many.zip", lambda: _zip([(f"f{i}.md", b"# x\n\ny") for i in range(rng.randint(60, 90))]), "too many entries"),
        ("corrupt.zip", lambda: _zip([("a.md", b"# a\n\n" + b"text " * 500)])[: rng.randint(20, 200)], "corrupt zip"),
        ("latin1.md", lambda: f"# Caf\xe9 {rng.randint(0, 10**6)}\n\nr\xe9sum\xe9 na\xefve \xa9".encode("latin-1")
            + (b" \x81\x8d" if rng.random() < 0.5 else b""), "non-utf8 text"),
        ("random.txt", lambda: rng.randbytes(rng.randint(1, 5000)), "random bytes"),
        ("nul.md", lambda: b"# Title\n\nsome\x00text" + rng.randbytes(rng.randint(1, 50)), "nul bytes"),
        ("png.md", lambda: b"\x89PNG\r\n\x1a\n" + rng.randbytes(500), "png named md"),
        ("empty.md", lambda: b"", "empty"),  # identical each time: reported the same way
        ("blank.txt", lambda: b" \n" * rng.randint(1, 100), "whitespace only"),
        ("deep.html", lambda: b"<div>" * rng.randint(90_000, 110_000) + b"deep text", "100k-deep html"),
        ("deep.ipynb", lambda: b'{"cells": ' + b"[" * rng.randint(90_000, 110_000), "100k-deep json"),
        ("deep.md", lambda: b"> " * rng.randint(90_000, 110_000) + b"quote", "100k-deep markdown"),
        ("deep.py", lambda: b"x = " + b"(" * rng.randint(90_000, 110_000) + b"1", "100k-deep python"),
        ("scripts-only.html", lambda: b"<script>alert(%d)</script><style>p{}</style>" % rng.randint(0, 10**6), "no visible text"),
        ("bad-cells.ipynb", lambda: json.dumps({"cells": rng.choice(["nope", 3, None, {"a": 1}])}).encode(), "malformed notebook"),
        ("truncated.ipynb", lambda: make_notebook([("markdown", "# hi " * rng.randint(1, 50))])[:-7], "truncated notebook"),
        ("utf16.txt", lambda: f"Loops repeat code {rng.randint(0, 10**6)}. \u00e9\u00e8".encode("utf-16"), "utf-16 with bom"),
        ("program.exe", lambda: b"MZ" + rng.randbytes(300), "unsupported extension"),
        ("noext", lambda: rng.randbytes(20), "no extension"),
        ("lesson.docx", lambda: _zip([("word/document.xml", b"<w/>")]), "unsupported office file"),
        ("ctrl.md", lambda: bytes(rng.randint(1, 8) for _ in range(400)), "control characters"),
    ]
    for i in range(n):
        name, make, kind = makers[i % len(makers)]
        stem, dot, ext = name.rpartition(".")
        if kind == "zip bomb" and i >= len(makers) * 2:
            name, make, kind = "empty2.md", (lambda: b""), "empty"  # two bombs are enough for CI time
            stem, dot, ext = name.rpartition(".")
        fname = f"{i:03d}-{stem}.{ext}" if dot else f"{i:03d}-{name}"
        put(fname, make(), kind)
    big = folder / "huge-one-line.html"
    with big.open("wb") as f:
        f.write(b"<html><body><p>")
        for _ in range(50):
            f.write(b"a" * (1 << 20))
        f.write(b"</p></body></html>")
    kinds[big.name] = "50 MB one-line html"
    return kinds
