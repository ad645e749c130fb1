"""report.html: a self-contained page (plots inlined as PNG data URIs) that opens offline.

``matplotlib`` is imported here and nowhere else, with the non-interactive Agg backend.
Not here: computing metrics (``runner.py``, ``metrics.py``).
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any

HEADLINE = ["anchor_hit@5", "anchor_mrr@10", "page_hit@5", "page_mrr@10", "intent_accuracy",
            "citations_valid_rate", "withheld_rate"]


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _plots(report: dict[str, Any]) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

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
        plots.append(("Metrics per configuration", _png(fig)))
        plt.close(fig)
    latencies = {name: [r["metrics"]["latency_s"] for r in report["rows"]
                        if r["config"] == name and "latency_s" in r["metrics"]] for name in configs}
    if any(latencies.values()):
        fig, ax = plt.subplots(figsize=(6, 3.6))
        ax.boxplot([v or [0.0] for v in latencies.values()], tick_labels=list(latencies))
        ax.set_ylabel("seconds per question")
        ax.set_title("Latency distribution")
        plots.append(("Latency distribution", _png(fig)))
        plt.close(fig)
    intents = sorted({r.get("intent") for r in report["rows"] if r.get("intent")})
    if intents:
        fig, ax = plt.subplots(figsize=(6, 3.6))
        for name in configs:
            counts = [sum(1 for r in report["rows"] if r["config"] == name and r.get("intent") == k) for k in intents]
            if any(counts):
                ax.plot(intents, counts, marker="o", label=name)
        ax.set_title("Questions per perceived intent")
        ax.legend()
        plots.append(("Per-intent breakdown", _png(fig)))
        plt.close(fig)
    return plots


def render_html(report: dict[str, Any], markdown_tables: str) -> str:
    """The whole page: plots, then the same tables as report.md (as preformatted text)."""
    figures = "".join(f'<h2>{html.escape(title)}</h2><img alt="{html.escape(title)}" src="{uri}">'
                      for title, uri in _plots(report))
    return ("<!doctype html><html><head><meta charset='utf-8'><title>Molly evaluation report</title>"
            "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}img{max-width:100%}"
            "pre{background:#f6f6f6;padding:1em;overflow-x:auto}</style></head><body>"
            f"<h1>Molly evaluation report</h1>{figures}<h2>Tables</h2><pre>{html.escape(markdown_tables)}</pre>"
            "</body></html>\n")
