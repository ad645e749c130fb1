"""Mend, without an LLM, the ways the small model most often breaks a code block.

In the FAQ dev answers of plain RAG and the bare model (``eval/results/faq_dev_*``), 34 of 120
Python blocks did not parse, and reflection removed such blocks from the learner's answer. Most
were one slip: surplus closing brackets (``list(map(square, numbers)))``, ``array('i', [1, 2]])``);
likely because its tokenizer has single tokens for runs of brackets. Others were shell commands
labelled ``python`` (``pip install …``), or a whole block indented under a list item.

Each repair is kept only if the block then parses; anything else is left for the syntax check
(and a repaired block is still run in the sandbox, like any other). A surplus closer inside an
f-string is found by trying each one on its line. Not repaired: missing
brackets (which closer, where?), mismatched ones that need a different closer, interactive
``>>>`` sessions, program output shown as code.
"""

from __future__ import annotations

import ast
import re
import textwrap

from molly.document import python_blocks, replace_python_block, syntax_error

_MAX_SURPLUS = 8  # more surplus closers than this is not one slip
# Lines that are shell commands, not Python (with or without a ``$`` prompt).
# code_repair.py: all repairs 28/34 FAQ drafts (tuned), 11/13 held-out CoNaLa drafts; per-command counts not kept.
_SHELL = re.compile(r"^\s*(\$\s|(pip3?|python3?|py|mkdir|cd|chmod|ls|cp|mv|rm|pyinstaller|conda|export|source)(\s|$))")


def _is_shell(code: str) -> bool:
    lines = [line for line in code.splitlines() if line.strip() and not line.strip().startswith("#")]
    return bool(lines) and all(_SHELL.match(line) for line in lines)


def drop_surplus_closers(code: str) -> tuple[str, int] | None:
    """``code`` without the closing brackets the parser finds unmatched, and how many went;
    None if it still does not parse (so nothing is removed from code that needed something else)."""
    lines = code.split("\n")
    for removed in range(_MAX_SURPLUS + 1):
        source = "\n".join(lines)
        try:
            ast.parse(source)
            return source, removed
        except SyntaxError as e:
            unmatched = e.msg.startswith(("unmatched '", "closing parenthesis '"))
            row, col = (e.lineno or 0) - 1, (e.offset or 0) - 1  # offset counts characters, from 1
            if e.msg.startswith(("f-string: unmatched '", "f-string: single '}'")) and 0 <= row < len(lines):
                # Inside an f-string (before Python 3.12) the parser does not say where: the line
                # is mended only if dropping one such closer makes the whole block parse.
                line = _fstring_mended(lines, row, e.msg.split("'")[1])
                if line is None:
                    return None
                lines[row] = line
                continue
            if not unmatched or not 0 <= row < len(lines) or not 0 <= col < len(lines[row]) \
                    or lines[row][col] not in ")]}":
                return None
            lines[row] = lines[row][:col] + lines[row][col + 1:]
        except ValueError:
            return None
    return None


def _fstring_mended(lines: list[str], row: int, closer: str) -> str | None:
    """Line ``row`` without the one ``closer`` whose removal lets the block parse (rightmost first)."""
    line = lines[row]
    for col in (i for i in range(len(line) - 1, -1, -1) if line[i] == closer):
        candidate = line[:col] + line[col + 1:]
        if syntax_error("\n".join([*lines[:row], candidate, *lines[row + 1:]])) is None:
            return candidate
    return None


def repair_block(code: str) -> tuple[str | None, str, str] | None:
    """(new fence language or None to keep the block's own, code, what was done) for a block that
    does not parse and can be mended; None for one that parses, or that no repair makes parse."""
    if ">>>" in code or syntax_error(code) is None:
        return None
    if _is_shell(code):
        return "console", textwrap.dedent(code), "shell commands, shown as a console block"
    done = []
    dedented = textwrap.dedent(code)
    if dedented != code:
        done.append("un-indented")
    mended = drop_surplus_closers(dedented)
    if mended is None:
        return None
    if mended[1]:
        done.append(f"removed {mended[1]} surplus closing bracket{'s' if mended[1] > 1 else ''}")
    return None, mended[0], ", ".join(done)


def repair_code(text: str) -> tuple[str, list[str]]:
    """The answer with its mendable code blocks mended, and one note per block mended."""
    notes = []
    for n, (block, code) in enumerate(python_blocks(text), start=1):
        repaired = repair_block(code)
        if repaired is None:
            continue
        lang, fixed, what = repaired
        fence = f"```{lang}" if lang else block.split("\n", 1)[0]  # the model's own label and info string
        text = replace_python_block(text, n - 1, f"{fence}\n{fixed}```")
        notes.append(f"block {n}: {what}")
    return text, notes
