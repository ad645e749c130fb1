"""Sanitise text on its way to the learner's browser: no images, no raw HTML, links only to
allowed hosts. Code (fenced blocks and inline spans) passes through byte for byte.

Model output and document text are untrusted (``../shared/docs/SECURITY.md`` S2, S4): an
injected instruction may make a model emit an exfiltration image or a phishing link. This
layer does not depend on catching the instruction. Sanitising twice changes nothing.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

DEFAULT_HOSTS = ("docs.python.org",)
_CODE = re.compile(r"(```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|`[^`\n]+`)", re.S)
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)|!\[([^\]\n]*)\]\[[^\]\n]*\]")
_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\n)]*[\"'])?\s*\)")
_REF_DEF = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.M)
_AUTOLINK = re.compile(r"<((?:[a-z][a-z0-9+.-]{1,31}):[^>\s]*)>", re.I)
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]{0,31}://|(?:javascript|data|vbscript|mailto|blob|file):|www\.)"
                  r"[^\s<>()\[\]`'\"]+", re.I)
_TAG = re.compile(r"<(?=[a-zA-Z/!?])")
REMOVED = "(link removed)"


def allowed(url: str, hosts: tuple[str, ...] = DEFAULT_HOSTS) -> bool:
    """True for an https link to one of ``hosts`` (or a sub-domain of one)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(host == h or host.endswith("." + h) for h in hosts)


def sanitize(text: str, hosts: tuple[str, ...] = DEFAULT_HOSTS) -> str:
    """``text`` safe to render as Markdown (see module docstring)."""
    parts = _CODE.split(text)
    return "".join(p if i % 2 else _prose(p, hosts) for i, p in enumerate(parts))


def _prose(text: str, hosts: tuple[str, ...]) -> str:
    text = _IMAGE.sub(lambda m: (m.group(1) or m.group(2) or "").strip(), text)
    text = _REF_DEF.sub("", text)
    text = _LINK.sub(lambda m: m.group(0) if allowed(m.group(2), hosts) else m.group(1), text)
    text = _AUTOLINK.sub(lambda m: m.group(0) if allowed(m.group(1), hosts) else REMOVED, text)
    # Bare URLs: protect the allowed links already in place, then drop every other URL.
    kept: list[str] = []

    def keep(m: re.Match[str]) -> str:
        kept.append(m.group(0))
        return f"\x00{len(kept) - 1}\x00"

    text = re.sub(r"\[[^\]\n]*\]\([^)\n]*\)|<https://[^>\s]*>", keep, text)
    text = _URL.sub(lambda m: m.group(0) if allowed(m.group(0), hosts) else REMOVED, text)
    text = re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)
    return _TAG.sub("&lt;", text)
