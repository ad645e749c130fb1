"""The answer as text: prose sentences, fenced code blocks, inline code and ``[n]`` citations.

Used by every stage that reads or edits an answer (reflection, evaluation, perception of the
learner's pasted code). Fenced blocks are found by markdown-it-py's CommonMark parser, so a block
is code exactly when the chat renders it as code (``~~~`` fences, fences inside list items, a
closing fence on its own line); ``segments`` splits an answer so that joining the pieces gives it
back. Not here: judging anything (``reflect/``); Markdown beyond fences, inline code and citations.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt

_INLINE = re.compile(r"`[^`\n]*`")
INLINE_CODE = re.compile(r"`([^`\n]+)`")
"""An inline code span with its text as group 1 (what reflection reads names and values from)."""
CITE = re.compile(r"(?<![\w\]\)'\"])\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
# Fence labels that claim Python; an unlabelled block is taken for Python too (the model often omits
# the label). Any other label (sql for sqlite3, bash, html, output) is another language: not checked.
_PYTHON = {"", "python", "python3", "py", "py3", "pycon", "ipython", "pyi"}


@dataclass(frozen=True)
class Fence:
    """One fenced block of an answer: ``text[start:end]`` is the whole block, fences included."""

    start: int
    end: int
    label: str  # the info string's first word, lower-cased ("" when there is none)
    code: str  # the content, as the chat shows it (a block inside a list item loses its indent)
    opening: str  # the opening fence line as written ("```python"), for rebuilding the block

    def whole(self, text: str) -> str:
        return text[self.start : self.end]


_PARSER = MarkdownIt("commonmark")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # markdown-it's line breaks (not str.splitlines's \u2028, \x0c ...)
_FENCE_LINE = re.compile(r"^([`~]{3,})[ \t]*([^\n`]*)$")


@lru_cache(maxsize=256)
def fences(text: str) -> tuple[Fence, ...]:
    """Every fenced block, in order, with its position. A fence indented four spaces or more is an
    indented code block to CommonMark, shown as code with its fence lines: it counts too."""
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    if starts[-1] == len(text):  # a final line break starts no line
        starts.pop()
    n_lines = len(starts)

    def line_end(line: int) -> int:  # the offset where line ``line`` ends, before its line break
        end = starts[line + 1] if line + 1 < n_lines else len(text)
        while end > starts[line] and text[end - 1] in "\r\n":
            end -= 1
        return end

    out = []
    for token in _PARSER.parse(text):
        if token.map is None or token.type not in ("fence", "code_block"):
            continue
        first, last = token.map
        label, code = (token.info.split() or [""])[0].lower(), token.content
        if token.type == "code_block":
            lines = token.content.split("\n")
            opened = _FENCE_LINE.match(lines[0].strip())
            if opened is None:
                continue  # plain indented text: not a fenced block
            label = (opened.group(2).split() or [""])[0].lower()
            body = lines[1:]
            while body and not body[-1].strip():
                body.pop()
            if body and body[-1].strip().startswith(opened.group(1)[:3]):
                body.pop()
            code = "".join(f"{line}\n" for line in body)
        last = min(last, n_lines)
        while last - 1 > first and not text[starts[last - 1] : line_end(last - 1)].strip():
            last -= 1  # an indented code block's map takes in the blank lines after it
        start = starts[first]
        out.append(Fence(start, line_end(last - 1), label, code, text[start : line_end(first)].strip()))
    return tuple(out)


def edit_fences(text: str, edit: Callable[[Fence], str | None]) -> str:
    """``text`` with each fenced block replaced by ``edit(block)`` (None keeps it), by position."""
    out, pos = [], 0
    for f in fences(text):
        new = edit(f)
        out += [text[pos : f.start], f.whole(text) if new is None else new]
        pos = f.end
    return "".join(out) + text[pos:]


def outside_fences(text: str) -> str:
    """The text with its fenced blocks replaced by a space (inline code kept)."""
    return edit_fences(text, lambda f: " ")


def prose(text: str) -> str:
    """The text with code blocks and inline code blanked out (citations live in prose)."""
    return _INLINE.sub(" ", outside_fences(text))


def code_of(text: str) -> str:
    """All the answer's code, fenced and inline, joined: what its examples use."""
    return "\n".join([f.code for f in fences(text)] + [m.group(0)[1:-1] for m in _INLINE.finditer(outside_fences(text))])


def has_citation(text: str) -> bool:
    """Whether the text cites any ``[n]``."""
    return CITE.search(text) is not None


def cited_refs(text: str) -> list[int]:
    """Citation numbers in order of first appearance, outside code."""
    seen: list[int] = []
    for m in CITE.finditer(prose(text)):
        for n in m.group(1).split(","):
            if int(n) not in seen:
                seen.append(int(n))
    return seen


# The prose between a Python block and an unlabelled block that shows its output ("Output:", "This
# prints:"); such a block is the output, not more code (a lone "Hello, world!" failed the syntax check).
_OUTPUT_CUE = re.compile(r"(?i)\b(output|outputs|prints?|printed|displays?|shows?|results?|you(?:'ll| will)? (?:see|get)|gives?)\b")
_OUTPUT_LABELS = {"output", "text", "console", "stdout", "none", "plaintext", "txt"}


def is_python(label: str) -> bool:
    """Whether a fence label claims Python (no label counts: the model often omits it)."""
    return label in _PYTHON


def _blocks(text: str) -> list[tuple[Fence, str]]:
    """Every fenced block with its kind: "python", "output" (what the Python block before it
    printed) or "other" (another language)."""
    out: list[tuple[Fence, str]] = []
    for f in fences(text):
        after_python = bool(out) and out[-1][1] == "python"
        between = text[out[-1][0].end : f.start].strip() if out else ""
        shows_output = after_python and len(between) <= 200 and (
            f.label in _OUTPUT_LABELS or f.label == "" and bool(_OUTPUT_CUE.search(between)) and between.endswith(":"))
        out.append((f, "output" if shows_output else "python" if is_python(f.label) else "other"))
    return out


def python_fences(text: str) -> list[Fence]:
    """The fenced blocks ``python_blocks`` reads, with their positions."""
    return [f for f, kind in _blocks(text) if kind == "python"]


def replace_python_block(text: str, index: int, new: str) -> str:
    """``text`` with its ``index``-th (0-based) Python block replaced by ``new``, by position, so an
    identical block elsewhere stays."""
    f = python_fences(text)[index]
    return text[: f.start] + new + text[f.end :]


def recode_python_block(text: str, index: int, code: str) -> str:
    """``text`` with its ``index``-th Python block holding ``code``, in its own fences (a block
    inside a list item keeps its indent)."""
    f = python_fences(text)[index]
    whole = f.whole(text)
    indent = whole[: len(whole) - len(whole.lstrip(" \t"))]
    head, _, body = whole.partition("\n")
    if not indent and f.code and f.code in body:
        return replace_python_block(text, index, f"{head}\n{body.replace(f.code, code, 1)}")
    fence = re.match(r"[`~]{3,}", f.opening)
    lines = [f"{indent}{line}" if line.strip() else line for line in code.rstrip("\n").split("\n")]
    return replace_python_block(text, index, "\n".join(
        [f"{indent}{f.opening}", *lines, f"{indent}{fence.group(0) if fence else '```'}"]))


def python_blocks(text: str) -> list[tuple[str, str]]:
    """(whole fenced block, code) for every block labelled Python or not labelled at all, except
    an unlabelled block that shows the output of the Python block before it."""
    return [(f.whole(text), f.code) for f, kind in _blocks(text) if kind == "python"]


def without_output(text: str, block: str) -> str:
    """``text`` without the output block (and its "Output:" lead-in) that shows what the Python
    ``block`` printed: when the example goes, what it printed goes with it."""
    blocks = _blocks(text)
    for i, (f, kind) in enumerate(blocks):
        if kind == "output" and blocks[i - 1][0].whole(text) == block:
            return text[: blocks[i - 1][0].end] + text[f.end :]
    return text


def output_blocks(text: str) -> list[tuple[str, str, str]]:
    """(Python code, whole output block, its content) for every block that shows what the Python
    block just before it prints."""
    blocks = _blocks(text)
    return [(blocks[i - 1][0].code, f.whole(text), f.code) for i, (f, kind) in enumerate(blocks) if kind == "output"]


def repl_to_source(code: str) -> str:
    """Turn an interactive-session block into source: keep ``>>>``/``...`` lines, drop output."""
    lines = code.splitlines()
    if not any(line.startswith(">>>") for line in lines):
        return code
    return "\n".join(line[4:] for line in lines if line.startswith((">>> ", "... ")) or line in (">>>", "..."))


def syntax_error(code: str) -> str | None:
    """The syntax error of a code block, or None if it parses."""
    try:
        ast.parse(repl_to_source(code))
    except SyntaxError as e:
        return f"line {e.lineno}: {e.msg}"
    except ValueError as e:  # e.g. NUL bytes in the source
        return str(e)
    return None


def trim_incomplete(text: str, cut_off: bool = True) -> str:
    """Cut an answer back to its last complete part: an unclosed code fence is removed, and so
    is a final sentence that ends in a colon ("This code will output:", announcing what is not
    there) or, if the answer was ``cut_off`` at the token limit, one with no closing punctuation.
    A complete answer keeps a last line such as "- `str.strip()` removes both ends".

    A passage's cut mark that the model copied to a sentence's end ("restricted to a single
    expression …", in every speed run's lambda answer) becomes a full stop."""
    if text.count("```") % 2:
        text = text[: text.rfind("```")]
    text = "".join(_uncut(piece) if is_sentence else piece for is_sentence, piece in segments(text)).rstrip()
    if not text or text.endswith("```"):
        return text
    tail = _SENTENCE_END.split(text)[-1]
    # Cut off inside inline code ("The `"): the closing backtick is not closing punctuation.
    dangling = tail.rstrip().endswith(":") or (cut_off and (
        not re.search(r"[.!?)\]\"'`*]\s*$", tail) or tail.count("`") % 2 == 1))
    if tail and tail != text and dangling:
        text = text[: len(text) - len(tail)].rstrip()
    return text


def _uncut(sentence: str) -> str:
    """``sentence`` without a trailing cut mark (kept citations go before the full stop)."""
    m = re.search(r"\s*…\s*((?:\[\d+\]\s*)*)$", sentence)
    if m is None:
        return sentence
    head, cites = sentence[: m.start()], m.group(1).strip()
    if not head.strip():
        return ""
    return f"{head} {cites}." if cites else f"{head}."


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[`(\"'*])|\n+")


def segments(text: str) -> list[tuple[bool, str]]:
    """Split an answer into (is_sentence, piece): prose sentences, and everything else (code blocks,
    separators) kept verbatim, so that ``"".join(p for _, p in segments(t)) == t``."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for f in fences(text):
        out += _split_prose(text[pos : f.start])
        out.append((False, f.whole(text)))
        pos = f.end
    return out + _split_prose(text[pos:])


def _split_prose(prose_text: str) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(prose_text):
        if prose_text[pos : m.start()].strip():
            out.append((True, prose_text[pos : m.start()]))
        elif m.start() > pos:
            out.append((False, prose_text[pos : m.start()]))
        out.append((False, m.group(0)))
        pos = m.end()
    if prose_text[pos:].strip():
        out.append((True, prose_text[pos:]))
    elif prose_text[pos:]:
        out.append((False, prose_text[pos:]))
    return out


def drop_sentences(text: str, numbers: tuple[int, ...]) -> str:
    """The answer without the given (1-based) prose sentences."""
    out, i = [], 0
    for is_sentence, piece in segments(text):
        if is_sentence:
            i += 1
            if i in numbers:
                continue
        out.append(piece)
    return tidy_prose("".join(out))


def tidy_prose(text: str) -> str:
    """Collapse blank-line runs and trailing spaces left by removals, outside code only."""
    out, pos = [], 0
    for f in [*fences(text), None]:
        gap = text[pos : f.start if f else len(text)]
        out += [re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", gap)), f.whole(text) if f else ""]
        pos = f.end if f else len(text)
    return "".join(out).strip()


# Sentences that exist only for the example beside them: "Here's an example of how to ..." before
# it, "This example demonstrates ..." after it. With the example removed they point at nothing (a
# read-a-file answer kept "Here's an example of how to modify pickling behavior for a class [4].").
_INTRODUCES = re.compile(r"^\W*(here['’]s|here is|here are|below is|the following)\b[^.]*\b(example|code|snippet)s?\b",
                         re.I)
_DESCRIBES = re.compile(r"^\W*(?:(in )?(this|that|the above) (example|code|snippet|program|script)\b|"
                        r"(this|that|it) (will |would )?(prints?|outputs?|displays?|shows?|gives?)\b|"
                        r"(this|it) (will|would) \w+|"
                        r"the output (is|will be|would be)\b)", re.I)


def only_leads_in(sentence: str) -> bool:
    """A sentence that only introduces what follows: it ends in a colon and has no citation or
    inline code of its own ("For example:", not "Strip a prefix with `str.removeprefix` [1]:")."""
    return sentence.rstrip().endswith(":") and "`" not in sentence and not has_citation(sentence)


def without_example_talk(text: str, note: str) -> str:
    """``text`` without the sentence that introduces, and the one that describes, the example
    that ``note`` replaced; the note itself stays (the learner sees what was removed and why)."""
    start = text.find(note)
    if start < 0:
        return text
    pieces, ends, end = segments(text), [], 0
    for _, piece in pieces:
        end += len(piece)
        ends.append(end)
    # The pieces the note spans (an error message may hold a sentence break of its own).
    first = next(i for i, e in enumerate(ends) if e > start)
    last = next(i for i, e in enumerate(ends) if e >= start + len(note))
    drop: set[int] = set()
    for at, step, pattern in ((first, -1, _INTRODUCES), (last, 1, _DESCRIBES)):
        i = at + step
        while 0 <= i < len(pieces) and not pieces[i][1].strip():
            i += step
        # A sentence ending in a colon right before the note introduced it ("For example:", "Set up
        # the server:"; 6 of 74 blind-graded answers kept one), unless it says something of its own
        # (a citation or inline code: "Strip a prefix with `str.removeprefix` [1]:").
        if 0 <= i < len(pieces) and pieces[i][0] and (pattern.match(pieces[i][1]) or step < 0 and only_leads_in(pieces[i][1])):
            drop.add(i)
    return tidy_prose("".join(piece for i, (_, piece) in enumerate(pieces) if i not in drop))
