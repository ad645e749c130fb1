"""Molly: a Python tutor that answers from the docs, cites, and checks itself."""
