"""INSTRUCTOR ONLY: model solution for Exercise 4 (word frequencies). Never shown to learners."""


def clean_words(text):
    """Lower-case words of ``text`` with . , ! ? removed."""
    for mark in ".,!?":
        text = text.replace(mark, "")
    return text.lower().split()


def most_common(words):
    """The most frequent word (first seen wins a tie), or None for an empty list."""
    counts = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    best = None
    for word in words:
        if best is None or counts[word] > counts[best]:
            best = word
    return best
