"""Reflection: everything that checks a draft before a learner sees it: fixed checks
(``checks``), claims against the passages (``claims``, ``attribution``), the LLM verdict and
revision (``verifier.reflect``), running and repairing the answer's code (``codecheck``,
``coderepair``) and the course's steering (``steering``)."""
