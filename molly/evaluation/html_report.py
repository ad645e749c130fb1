"""report.html: a self-contained page (plots inlined as PNG data URIs) that opens offline.

Charts come from ``molly.charts`` (where matplotlib is imported).
Not here: computing metrics (``runner.py``, ``metrics.py``).
"""

from __future__ import annotations

import html
from typing import Any

from molly.charts import png, pyplot

HEADLINE = ["anchor_hit@5", "anchor_mrr@10", "page_hit@5", "page_mrr@10", "intent_accuracy", "faithfulness",
            "code_runs_rate", "citations_valid_rate", "solution_leak_rate", "withheld_rate"]  # all in [0, 1]
BASELINES = ("llm-only", "rag")  # they perceive no intent


def _plots(report: dict[str, Any]) -> list[tuple[str, str]]:
    plt = pyplot()
    configs = report["configs"]
    plots = []
    shown = [m for m in HEADLINE if any(m in c["metrics"] for c in configs.values())]
    if shown:
        fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(shown)), 3.6))
        width = 0.8 / max(1, len(configs))
        for i, (name, data) in enumerate(configs.items()):
            ax.bar([j + i * width for j in range(len(shown))], [data["metrics"].get(m, 0.0) for m in shown],
                   width, label=name)
        ax.set_xticks([j + width * (len(configs) - 1) / 2 for j in range(len(shown))], shown, rotation=20)
        ax.set_ylim(0, 1)
        ax.set_title("Metrics per configuration")
        ax.legend()
        plots.append(("Metrics per configuration", png(fig)))
    latencies = {name: [r["metrics"]["latency_s"] for r in report["rows"]
                        if r["config"] == name and "latency_s" in r["metrics"]] for name in configs}
    if any(latencies.values()):
        fig, ax = plt.subplots(figsize=(6, 3.6))
        ax.boxplot([v or [0.0] for v in latencies.values()], tick_labels=list(latencies))
        ax.set_ylabel("seconds per question")
        ax.set_title("Latency distribution")
        plots.append(("Latency distribution", png(fig)))
    rows = [r for r in report["rows"] if r["config"] not in BASELINES and r.get("intent")]
    if rows:
        fig = _intent_figure(plt, rows, [c for c in configs if c not in BASELINES])
        plots.append(("Per-intent breakdown", png(fig)))
    return plots


def _intent_figure(plt: Any, rows: list[dict[str, Any]], configs: list[str]) -> Any:
    """Intent accuracy per labelled kind where items are labelled, else questions per perceived kind."""
    labelled = [r for r in rows if r.get("gold_intent")]
    key = "gold_intent" if labelled else "intent"
    rows = labelled or rows
    kinds = sorted({r[key] for r in rows})
    fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(kinds)), 3.6))
    width = 0.8 / max(1, len(configs))
    for i, name in enumerate(configs):
        mine = [[r for r in rows if r["config"] == name and r[key] == k] for k in kinds]
        values = ([sum(r["intent"] == r["gold_intent"] for r in m) / len(m) if m else 0.0 for m in mine] if labelled
                  else [len(m) for m in mine])
        ax.bar([j + i * width for j in range(len(kinds))], values, width, label=name)
    counts = [sum(1 for r in rows if r[key] == k and r["config"] == configs[0]) for k in kinds]
    ax.set_xticks([j + width * (len(configs) - 1) / 2 for j in range(len(kinds))],
                  [f"{k}\n(n={n})" for k, n in zip(kinds, counts, strict=True)])
    if labelled:
        ax.set_ylim(0, 1)
    ax.set_title("Intent accuracy per labelled intent" if labelled else "Questions per perceived intent")
    ax.legend()
    return fig


def render_html(report: dict[str, Any], markdown_tables: str) -> str:
    """The whole page: plots, then the same tables as report.md (as preformatted text)."""
    figures = "".join(f'<h2>{html.escape(title)}</h2><img alt="{html.escape(title)}" src="{uri}">'
                      for title, uri in _plots(report))
    return ("<!doctype html><html><head><meta charset='utf-8'><title>Molly evaluation report</title>"
            "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}img{max-width:100%}"
            "pre{background:#f6f6f6;padding:1em;overflow-x:auto}</style></head><body>"
            f"<h1>Molly evaluation report</h1>{figures}<h2>Tables</h2><pre>{html.escape(markdown_tables)}</pre>"
            "</body></html>\n")
