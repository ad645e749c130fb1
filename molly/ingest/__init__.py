"""Turning source documents into chunks (Python docs HTML now; course materials later)."""
