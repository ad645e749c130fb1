"""Output sanitising: no images, raw HTML or foreign links survive; code is untouched; idempotent."""

from __future__ import annotations

import itertools
import random
import re

from hypothesis import given
from hypothesis import strategies as st

from molly.guard.safety import allowed, sanitize

HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>",
    "[click](javascript:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)", "![i](https://evil.example/p.png)",
    "![i][ref]\n\n[ref]: https://evil.example/p.png", "<https://evil.example/a>", "http://evil.example/x",
    "https://docs.python.org.evil.example/x", "www.evil.example/path", "<iframe src=https://evil.example>",
    "[docs](http://docs.python.org/3/)", "<svg onload=alert(1)>", "vbscript:msgbox(1)", "<style>*{}</style>",
    "[a](  https://evil.example  \"title\")", "<body onload=alert(1)>", "file:///etc/passwd", "mailto:x@evil.example",
]
PROSE = ["See the docs.", "Lists are mutable [1].", "Use `x < y` to compare.", "a < b", "Result: 3"]


def _leaks(text: str) -> bool:
    outside = re.sub(r"```.*?```|`[^`\n]+`", "", text, flags=re.S)
    if re.search(r"<[a-zA-Z/!]|!\[|javascript:|data:|vbscript:|file:|mailto:", outside, re.I):
        return True
    urls = re.findall(r"(?:[a-z]+://|www\.)[^\s)\]>\"']+", outside, re.I)
    return any(not allowed(u) for u in urls)


def test_a_thousand_payloads_none_survive_and_sanitising_twice_changes_nothing() -> None:
    rng = random.Random(5)
    cases = [" ".join(rng.sample(PROSE, 2) + rng.sample(HOSTILE, rng.randint(1, 3))) for _ in range(1000)]
    cases += [a + b for a, b in itertools.product(HOSTILE, HOSTILE)]
    for text in cases:
        once = sanitize(text)
        assert not _leaks(once), (text, once)
        assert sanitize(once) == once


def test_allowed_links_and_prose_stay() -> None:
    text = "Read [open()](https://docs.python.org/3.11/library/functions.html#open) [1]. Also a < b, 10:30, key:value."
    assert sanitize(text) == text.replace("a < b", "a < b")


def test_code_passes_through_byte_for_byte() -> None:
    code = "```python\nprint('<script>') # https://evil.example ![x](y)\n```"
    text = f"Before <b>x</b>\n\n{code}\n\nand `<img src=x>` inline."
    out = sanitize(text)
    assert code in out and "`<img src=x>`" in out and "<b>" not in out


@given(st.text(max_size=300))
def test_sanitise_is_idempotent_on_anything(text: str) -> None:
    once = sanitize(text)
    assert sanitize(once) == once
