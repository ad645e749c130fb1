"""Course materials: storage, ingestion, steering."""
