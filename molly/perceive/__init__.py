"""Perception: what the learner needs (intent kind, knowledge points), what their traceback and
pasted code say, and which Python version they use. Runs before retrieval."""
