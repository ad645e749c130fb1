"""The one contract test of the shipped docs corpus: the chunks other tests read from
``tests/fixtures/docs_sample`` are still in ``knowledge_base/`` word for word. When the corpus is
rebuilt and this fails, refresh the sample (and look at what changed in those chunks)."""

from __future__ import annotations

import pytest

from molly.config import Settings
from molly.retrieval.store import load_corpus
from tests.conftest import docs_sample


@pytest.mark.model
def test_the_docs_sample_is_the_shipped_corpus_word_for_word() -> None:
    sample = docs_sample()
    shipped = {c.id: c for c in load_corpus(Settings().kb_dir)[0] if c.id in sample}
    assert sorted(shipped) == sorted(sample)
    assert [i for i in sample if shipped[i] != sample[i]] == []
