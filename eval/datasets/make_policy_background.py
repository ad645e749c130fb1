"""Write molly/guard/ordinary.jsonl: real ordinary questions the request policy's classifier learns
"ordinary" from, beside the near-misses of molly/guard/requests.jsonl.

    python eval/datasets/make_policy_background.py

300 CoNaLa train requests (eval/datasets/conala_train.jsonl; Yin et al., MSR 2018, CC BY-SA 4.0)
and 300 CS1QA corpus questions (../shared/data/cs1qa/corpus.jsonl; Lee et al., NAACL 2022, MIT),
chosen by a hash of their id. CoNaLa dev, CS1QA q_train/q_dev, FAQ, intent and refactory dev stay
out: eval/benchmarks/request_policy.py measures false declines on them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
N = 300


def pick(items: list[dict], key: str) -> list[dict]:
    return sorted(items, key=lambda i: hashlib.sha256(str(i[key]).encode()).hexdigest())[:N]


def main() -> None:
    conala = [json.loads(x) for x in (ROOT / "eval/datasets/conala_train.jsonl").read_text(encoding="utf-8").splitlines()]
    cs1qa = [json.loads(x) for x in (ROOT.parent / "shared/data/cs1qa/corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [{"id": c["id"], "text": c["question"], "label": "ordinary", "topic": "conala",
             "source": "CoNaLa train (Yin et al., MSR 2018; CC BY-SA 4.0)"} for c in pick(conala, "id")]
    rows += [{"id": f"cs1qa-corpus-{c['id']}", "text": c["text"], "label": "ordinary", "topic": "cs1qa",
              "source": "CS1QA corpus (Lee et al., NAACL 2022; MIT)"} for c in pick(cs1qa, "id")]
    out = ROOT / "molly/guard/ordinary.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} rows -> {out}")


if __name__ == "__main__":
    main()
