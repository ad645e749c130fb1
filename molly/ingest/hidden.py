"""Untrusted course text made safe to store: hidden carriers stripped, injected instructions cut.

Uploaded files are data, never instructions (``../shared/docs/SECURITY.md`` S2). Two layers:

* **Hidden carriers** a reader never sees but a model would: zero-width and bidi-control
  characters, Unicode tag characters (invisible ASCII), other format characters. (HTML comments
  and CSS-hidden elements are dropped by the HTML parser in ``formats.py``.)
* **Instruction-like lines** addressed to an AI ("ignore previous instructions", "assistant:",
  chat-template tokens, "reply only with ..."): removed and counted, so the instructor sees it
  in the ingestion report. This is pattern-based and cannot be complete; retrieved text also
  reaches the model only inside delimiters, and the answer's links and images are sanitised on
  the way out (``molly/safety.py``), which does not depend on catching the phrasing.

Pure functions, no imports beyond the standard library: the parse worker uses this module.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)

# Each pattern matches text that only makes sense as an instruction to a model reading the page.
_INJECTION = re.compile(
    r"""(?ix)
    \b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}?
        \b(?:previous|prior|above|earlier|preceding|all|any|your|the|these|those)\b[^.\n]{0,20}?
        \b(?:instructions?|directions?|rules?|prompts?|guidelines?)\b
    | \b(?:new|updated|hidden|secret)\s+(?:system\s+)?(?:instructions|prompt)\b
    | \bsystem\s*prompt\b
    | \byou\s+are\s+now\s+(?:an?\s|the\s|no\s+longer|free|acting|operating|dan\b|unrestricted|jailbroken|in\s+developer)
    | \b(?:act|behave|respond|pretend)\s+as\s+(?:if\s+you\s+(?:are|were)\s+)?(?:an?\s+)?(?:unrestricted|jailbroken|dan|different|new)\b
    | \b(?:dear\s+)?(?:ai|a\.i\.|assistant|chat\s*bot|chatbot|language\s+model|llm|gpt|molly)s?\b
        [^.\n]{0,40}?\b(?:must|should|shall|will|needs?\s+to|has\s+to|is\s+(?:instructed|required)|are\s+(?:instructed|required)|reading\s+this)\b
    | \b(?:end|start|begin|finish|sign|close|prefix|suffix)\s+(?:your|every|each|the)\s+(?:answer|response|reply|message)s?\s+with\b
    | \b(?:note|message|instructions?|memo)\s+(?:to|for)\s+(?:the\s+|any\s+)?(?:ai|assistant|tutor|bot|model|llm|chatbot|grader)s?\b
    | \bif\s+you\s+are\s+an?\s+(?:ai|assistant|language\s+model|llm|bot|chatbot|tutor)\b
    | \b(?:reply|respond|answer|output|say|print|write|end|start|begin)\b[^.\n]{0,20}?\b(?:only|exactly|verbatim)\b[^.\n]{0,10}?\b(?:with|the\s+(?:word|text|phrase|string|code))\b
    | \b(?:in|at\s+the\s+(?:end|start|beginning)\s+of|to)\s+(?:your|every|each|the)\s+(?:answer|response|reply)s?\b
        [^.\n]{0,30}?\b(?:include|add|append|insert|put|say|write|mention|link|embed)\b
    | \b(?:include|add|append|insert|embed|put)\b[^.\n]{0,30}?\b(?:in|into|to|at\s+the\s+end\s+of)\s+(?:your|every|each|the)\s+(?:answer|response|reply)s?\b
    | \b(?:do\s+not|don'?t|never)\s+(?:tell|inform|reveal\s+to|mention\s+to|let)\s+(?:the\s+)?(?:student|learner|user)s?\b
    | \btell\s+(?:the\s+)?(?:student|learner|user)s?\s+(?:to|that)\b
    | \b(?:reveal|print|show|output|repeat|leak)\b[^.\n]{0,30}?\b(?:your\s+(?:instructions|prompt|system\s+message|rules)|the\s+system\s+(?:prompt|message))\b
    | ^\s*(?:\#{1,6}\s*)?(?:system|assistant|user|developer|human)\s*[:>]
    | <\|?\s*(?:im_start|im_end|system|endoftext|eot_id|start_header_id)\s*\|?>
    | \[/?INST\]|<<\s*/?SYS\s*>>
    | </?\s*(?:passage|question|system|instructions?)\b[^>]*>
    """
)


def strip_invisible(text: str) -> tuple[str, int]:
    """``text`` without invisible/format characters (keeping newlines and tabs), NFC-normalised;
    and how many were removed."""
    cleaned, n = _INVISIBLE.subn("", text)
    extra = [c for c in cleaned if unicodedata.category(c) in ("Cf", "Co", "Cs") or
             (unicodedata.category(c) == "Cc" and c not in "\n\t\r")]
    if extra:
        cleaned = "".join(c for c in cleaned if c not in set(extra))
        n += len(extra)
    return unicodedata.normalize("NFC", cleaned.replace("\r\n", "\n").replace("\r", "\n")), n


def is_instruction(line: str) -> bool:
    """True if ``line`` reads as an instruction aimed at an AI model rather than at a learner."""
    return bool(_INJECTION.search(line))


def cut_instructions(text: str) -> tuple[str, int]:
    """``text`` with every instruction-like sentence removed (the rest of its line kept), and how
    many were removed. Works per sentence so one planted sentence does not cost a paragraph."""
    removed = 0
    out: list[str] = []
    for line in text.split("\n"):
        if not is_instruction(line):
            out.append(line)
            continue
        kept = []
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            if is_instruction(sentence):
                removed += 1
            else:
                kept.append(sentence)
        if kept and not is_instruction(" ".join(kept)):
            out.append(" ".join(kept))
        elif kept:
            removed += 1
    return "\n".join(out), removed


def clean(text: str) -> tuple[str, int, int]:
    """Both layers: (clean text, invisible characters removed, instruction sentences removed)."""
    text, invisible = strip_invisible(text)
    text, instructions = cut_instructions(text)
    return text, invisible, instructions
