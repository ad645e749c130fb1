"""Charts as PNG data URIs, for self-contained HTML pages that open offline (``molly eval``'s
report and the instructor's insight report).

``matplotlib`` is imported here and nowhere else, lazily, with the non-interactive Agg backend.
"""

from __future__ import annotations

import base64
import io
from typing import Any


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def png(fig: Any) -> str:
    """The figure as a PNG data URI; the figure is closed."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    pyplot().close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
