"""Whether a learner's message refers back to the conversation (a follow-up) or starts anew.

Rules: a pointer at the tutor's answer ("your code", "the example above"), an opening that
continues ("and for tuples?", "what about ..."), or a short message whose pronoun has nothing in the
message to point at. On ``eval/datasets/followups.jsonl`` (``eval/benchmarks/followups.py``) it is
precise but misses many follow-ups (held-out: precision 1.0, recall 0.578), so the conversation
still reaches the prompt for every message; the rule decides only what is safe to decide on a
"new question": an earlier answer's code is not repeated (``guard/earlier.py``).
"""

from __future__ import annotations

import re

# Points at the tutor's previous answer or the conversation itself.
_BACK = re.compile(
    r"(?i)\b(?:your|you(?:r)?'?re?) (?:code|answer|example|explanation|solution|suggestion|snippet|version|method|way|"
    r"function|loop|program)\b|\b(?:you|u) (?:said|showed|wrote|mentioned|gave|suggested|used|meant)\b"
    r"|\b(?:above|earlier|previous(?:ly)?|last (?:one|answer|example)|the (?:first|second|third|last) (?:line|one|example|"
    r"part|step))\b|\bthe (?:one|code|example|line|function|loop|method|way) (?:you|that you|from before)\b"
    r"|\b(?:that|this|the) (?:example|explanation|answer|solution|snippet|suggestion)\b")
# Opens as a continuation of what was said.
_CONTINUES = re.compile(
    r"(?i)^\W*(?:and|but|also|so|ok(?:ay)?|k|thanks?|thank you|thx|what about|how about|what if|why not|then|same|"
    r"instead|still|huh|hmm+|wait|really|sorry|i (?:still )?don'?t (?:get|understand)|more|another|again|"
    r"does (?:it|this|that)|is (?:it|this|that)|can (?:it|this|that)|would (?:it|this|that)|could you explain)\b")
_PRONOUN = re.compile(r"(?i)\b(?:it|that|this|these|those|them|they|there|one|ones)\b")
# Something the message itself shows, which a pronoun may point at: code, a quoted value, an error.
_ANCHOR = re.compile(r"```|`[^`]+`|\[[^\]]*\]|\{[^}]*\}|['\"][^'\"]+['\"]|\b[A-Z]\w*(?:Error|Exception|Warning)\b"
                     r"|\w+\([^)]*\)|^\s*(?:def|class|for|while|if|import|print)\b", re.M)
SHORT = 12  # words: a longer message usually names what it is about


def refers_back(message: str) -> bool:
    """True when ``message`` needs the previous turn to be understood (see the module doc)."""
    text = message.strip()
    if _BACK.search(text):
        return True
    words = len(re.findall(r"\w+", text))
    if _CONTINUES.search(text) and not (_ANCHOR.search(text) and words > SHORT):
        return True
    return words <= SHORT and bool(_PRONOUN.search(text)) and not _ANCHOR.search(text)
