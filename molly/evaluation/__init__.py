"""QA-set evaluation: datasets, metrics, and the runner behind ``molly eval``."""
