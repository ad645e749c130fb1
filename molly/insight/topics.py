"""Questions grouped into topics: spherical k-means over the questions' embeddings (L2-normalised,
so inner product is cosine), with about √(n/2) topics.

The number of topics: against topics people labelled (CoNaLa by docs page, 1,675 requests; the
Python FAQ by category, 89; neither looked at before the rule was chosen), √(n/2) scored AMI
0.338 / 0.261, choosing by silhouette 0.344 / 0.156 (2 topics for the FAQ), fixed 10 topics
0.359 / 0.221 (``eval/benchmarks/insight_topics.py``). ``faiss``
clusters (10,000 questions in a few seconds on 2 cores). Not here: naming topics or counting
anything (``summary.py``).
"""

from __future__ import annotations

import math

import numpy as np

MAX_TOPICS = 40  # more than an instructor reads in one sitting


def topics_for(n: int) -> int:
    """How many topics for ``n`` questions: about √(n/2), at least 1, at most ``MAX_TOPICS``."""
    return max(1, min(MAX_TOPICS, n, round(math.sqrt(n / 2))))


def kmeans(vectors: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """Topic labels from spherical k-means with ``k`` topics."""
    import faiss

    x = np.ascontiguousarray(vectors, dtype=np.float32)
    # min_points_per_centroid=1: a small course is clustered as it is, without faiss's warning.
    km = faiss.Kmeans(x.shape[1], k, niter=25, nredo=2, spherical=True, seed=seed, verbose=False,
                      min_points_per_centroid=1, max_points_per_centroid=1000)
    km.train(x)
    _, labels = km.index.search(x, 1)
    return labels[:, 0].astype(np.int64)


def cluster(vectors: np.ndarray, k: int | None = None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Topic labels for each row of ``vectors``, numbered by size (0 is the largest topic), and the
    topics' unit centroids. ``k`` None: ``topics_for(len(vectors))``."""
    n = len(vectors)
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, dim), np.float32)
    k = min(topics_for(n) if k is None else k, n)
    labels = kmeans(vectors, k, seed) if k > 1 else np.zeros(n, dtype=np.int64)
    ids, counts = np.unique(labels, return_counts=True)
    order = [int(t) for _, t in sorted(zip((-counts).tolist(), ids.tolist(), strict=True))]
    remap = np.zeros(int(ids.max()) + 1, dtype=np.int64)
    remap[order] = np.arange(len(order))
    labels = remap[labels]
    centroids = np.zeros((len(order), dim), dtype=np.float32)
    np.add.at(centroids, labels, vectors)
    return labels, centroids / np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-9)


def keywords(texts: list[str], labels: np.ndarray, n: int = 3) -> list[list[str]]:
    """The ``n`` words most particular to each topic (class-based TF-IDF: a word's share of the
    topic's words, weighted by how rare it is across topics), English stop words left out.
    Identifiers count as words, so "hubo" or "append" can name a topic."""
    from sklearn.feature_extraction.text import CountVectorizer

    k = int(labels.max()) + 1 if len(labels) else 0
    if k == 0:
        return []
    try:
        counts = CountVectorizer(stop_words="english", token_pattern=r"(?u)\b[A-Za-z_][A-Za-z0-9_]{2,}\b",
                                 min_df=2 if len(texts) >= 20 else 1)
        matrix = counts.fit_transform(texts)
    except ValueError:  # nothing but stop words
        return [[] for _ in range(k)]
    words = counts.get_feature_names_out()
    per_topic = np.zeros((k, len(words)), dtype=np.float64)
    for t in range(k):
        per_topic[t] = np.asarray(matrix[labels == t].sum(axis=0)).ravel()
    tf = per_topic / np.maximum(per_topic.sum(axis=1, keepdims=True), 1)
    idf = np.log1p(per_topic.sum() / k / np.maximum(per_topic.sum(axis=0), 1))
    score = tf * idf
    return [[str(words[j]) for j in np.argsort(-score[t], kind="stable")[:n] if score[t, j] > 0] for t in range(k)]
