"""Course materials: storage and ingestion (a course's steering of answers is in ``reflect/steering``)."""
