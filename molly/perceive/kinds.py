"""What the learner needs, without an LLM call: a classifier over the message's MiniLM vector.

Trained on labelled learner messages shipped beside this file (``intents.jsonl``: CS1QA, CoNaLa,
the Python FAQ, Refactory and messages written for the project, each with its source; the
labelling guide is in ``eval/datasets/README.md``), plus any files an instructor adds
(``Settings.intent_examples``, same format: ``text``, ``label``). The vector is of the message's
prose (its code says little about what the learner wants), beside a few signals the rules of
``intent.py`` already read. Figures: ``eval/README.md``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from molly.classify import ExampleClassifier, read_examples
from molly.perceive import intent as signals
from molly.perceive.tracebacks import exception_of
from molly.retrieval.embedder import Embedder
from molly.schemas import IntentKind

EXAMPLES = Path(__file__).with_name("intents.jsonl")
_FENCE = re.compile(r"```.*?(?:```|$)", re.S)
# A pasted line of code or of a traceback, outside a fence.
_CODE_LINE = re.compile(r"^\s*(?:def|class|for|while|if|elif|else|import|from|return|print|try|except|with)\b"
                        r"|^\s{4,}\S|^\s*[\w.\[\]]+\s*[-+*/]?=[^=]|^\s*File \"|^\s*[~^]+\s*$")


def prose(text: str) -> str:
    """The message without its code: fenced blocks and lines that look like code or a traceback
    go (what is left says what the learner wants). A message that is all code stays whole."""
    lines = [ln for ln in _FENCE.sub(" ", text).splitlines() if not _CODE_LINE.search(ln)]
    return " ".join(" ".join(lines).split()) or text.strip()


def signals_of(text: str) -> np.ndarray:
    """The rules' signals as features: code shown, a traceback, an exception named, no programming
    word, error words, solution words, review words, length. With them, 5-fold CV on the shipped
    examples 0.764 -> 0.788 (eval/benchmarks/intent_classifier.py)."""
    return np.array([bool(signals.CODE.search(text)), bool(signals.TRACEBACK.search(text)),
                     bool(signals.named_exceptions(text) or exception_of(text)),
                     signals.PROGRAMMING.search(text) is None, bool(signals.ERRORISH.search(text)),
                     bool(signals.SOLUTION.search(text)), bool(signals.REVIEW.search(text)),
                     min(len(text.split()), 100) / 100], dtype=np.float32)


class IntentClassifier:
    """The intent kind of a message, from labelled examples (``kind``)."""

    def __init__(self, embedder: Embedder, extra: tuple[Path, ...] = (), cache_dir: Path | None = None,
                 examples: list[dict[str, str]] | None = None) -> None:
        """``extra``: more labelled examples (an instructor's own), learned beside the shipped ones;
        ``examples``: instead of the shipped ones (the benchmark's folds)."""
        examples = (read_examples([EXAMPLES]) if examples is None else examples) + read_examples(extra)
        self.classifier = ExampleClassifier(embedder, examples, name="intent", cache_dir=cache_dir,
                                            prepare=prose, features=signals_of)

    def warm_up(self) -> None:
        """Fit now rather than in the first learner's turn."""
        _ = self.classifier.fitted

    def kind(self, text: str) -> tuple[IntentKind, float]:
        """The most probable kind and its probability."""
        scores = self.classifier.probabilities(text)
        label = max(scores, key=lambda k: scores[k])
        return IntentKind(label), scores[label]
