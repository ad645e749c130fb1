"""Embedding, the FAISS store with its manifest, and the retriever over it."""
