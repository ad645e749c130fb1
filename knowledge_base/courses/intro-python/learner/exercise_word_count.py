"""Exercise 4: word frequencies (graded, due Friday of week 4).

Complete the two functions below. Do not change their names or parameters: the
autograder calls them. You may add helper functions. Run this file to try your code.
"""


def clean_words(text):
    """Return the words of ``text`` in lower case, with the punctuation . , ! ? removed.

    Example: clean_words("Hi! hi, you.") should return ["hi", "hi", "you"].
    Hint: str.lower(), str.replace() and str.split() are enough.
    """
    # TODO: your code here
    return []


def most_common(words):
    """Return the word that occurs most often in the list ``words`` (the first one seen,
    if there is a tie), or None for an empty list.

    Example: most_common(["a", "b", "a"]) should return "a".
    Hint: count with a dictionary (see the week 3 notes), then find the largest count.
    """
    # TODO: your code here
    return None


if __name__ == "__main__":
    sample = "The cat sat on the mat. The mat was flat!"
    words = clean_words(sample)
    print(words)
    print(most_common(words))
