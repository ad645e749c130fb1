"""Characters per token of the packaged model's own tokenizer, on the shipped docs chunks: the
figure behind ``molly.text.CHARS_PER_TOKEN`` (every passage budget is in estimated tokens).

    .venv/bin/python eval/benchmarks/chars_per_token.py [--sample 2000]

Loads only the GGUF's vocabulary (no inference). Prose and fenced code are counted apart.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from molly.config import Settings  # noqa: E402
from molly.model_files import packaged_gguf  # noqa: E402
from molly.text import CHARS_PER_TOKEN  # noqa: E402

FENCE = re.compile(r"```[^\n]*\n(.*?)```", re.S)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=2000)
    args = ap.parse_args()
    from llama_cpp import Llama

    settings = Settings()
    llm = Llama(model_path=str(settings.model_path or packaged_gguf(settings.cache_dir)), vocab_only=True, verbose=False)
    chunks = [json.loads(x) for x in (settings.kb_dir / "chunks.jsonl").read_text(encoding="utf-8").splitlines()]
    random.Random(0).shuffle(chunks)
    totals = {"prose": [0, 0], "code": [0, 0]}
    for c in chunks[: args.sample]:
        text = c["text"]
        code = "\n".join(FENCE.findall(text))
        prose = FENCE.sub(" ", text)
        for kind, part in (("prose", prose), ("code", code)):
            if part.strip():
                totals[kind][0] += len(part)
                totals[kind][1] += len(llm.tokenize(part.encode("utf-8"), add_bos=False))
    both = [sum(v[0] for v in totals.values()), sum(v[1] for v in totals.values())]
    report = {k: round(chars / toks, 3) for k, (chars, toks) in {**totals, "all": both}.items()}
    report["constant"] = CHARS_PER_TOKEN
    report["chunks"] = min(args.sample, len(chunks))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
