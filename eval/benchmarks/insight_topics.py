"""How well the insight view's topics match topics people labelled, for each way of choosing the
number of topics: the silhouette choice (what ships) against fixed numbers.

Labels: CoNaLa requests by the docs page their reference code uses (``pydocs311_urls``; requests
with none left out), and the Python FAQ by its category. Neither set was used to write
``molly/insight/topics.py``. Prints adjusted mutual information (AMI, 0 = chance, 1 = the labels)
and the chosen number of topics.

    .venv/bin/python eval/benchmarks/insight_topics.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"


def sets() -> dict[str, tuple[list[str], list[str]]]:
    conala = [json.loads(line) for line in (DATA / "conala" / "conala_train_dev.jsonl").open()]
    conala = [r for r in conala if r.get("pydocs311_urls")]
    faq = [json.loads(line) for line in (DATA / "python-faq" / "faq_dev.jsonl").open()]
    return {"conala (by docs page)": ([r["nl"] for r in conala], [r["pydocs311_urls"][0].split("#")[0] for r in conala]),
            "python faq (by category)": ([r["question"] for r in faq], [r.get("category") or r["faq"] for r in faq])}


def by_silhouette(vectors: np.ndarray) -> int:
    """The alternative: the number of topics (2..√n) with the best cosine silhouette on a sample."""
    from sklearn.metrics import silhouette_score

    from molly.insight.topics import MAX_TOPICS, kmeans

    n = len(vectors)
    sample = np.random.default_rng(0).choice(n, min(n, 2000), replace=False)
    top = max(2, min(MAX_TOPICS, int(np.sqrt(n))))
    scored = [(silhouette_score(vectors[sample], kmeans(vectors, k)[sample], metric="cosine"), k)
              for k in sorted({2, *range(4, top + 1, max(1, top // 10)), top})]
    return max(scored)[1]


def main() -> None:
    from sklearn.metrics import adjusted_mutual_info_score

    from molly.config import Settings
    from molly.factory import build_embedder
    from molly.insight.topics import cluster, topics_for

    embedder = build_embedder(Settings())
    print(f"{'set':28} {'n':>5} {'labels':>6}  {'choice':>18} {'topics':>6} {'AMI':>6} {'seconds':>7}")
    for name, (texts, labels) in sets().items():
        vectors = embedder.embed(texts)
        fixed = [str(k) for k in (5, 10, 20, 40) if k < len(texts)]
        for choice in ["sqrt(n/2) (ships)", "silhouette", *fixed]:
            t0 = time.perf_counter()
            k = topics_for(len(texts)) if choice.startswith("sqrt") else by_silhouette(vectors) \
                if choice == "silhouette" else int(choice)
            got, _ = cluster(vectors, k)
            dt = time.perf_counter() - t0
            ami = adjusted_mutual_info_score(labels, got)
            print(f"{name:28} {len(texts):5d} {len(set(labels)):6d}  {choice:>18} {len(set(got.tolist())):6d} "
                  f"{ami:6.3f} {dt:7.2f}")


if __name__ == "__main__":
    main()
