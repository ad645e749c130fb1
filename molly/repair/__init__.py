"""Debugging help that is verified: read what the learner expects (``expectations``), run their
code against it in the sandbox and search for a repair that meets every expectation
(``search``, with ``harness`` and ``mutations`` running inside the sandbox), and state the facts
for the draft (``facts``)."""
