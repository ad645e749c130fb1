"""Typed errors. Each carries a message that is safe to show a learner and says what to do."""

from __future__ import annotations


class MollyError(Exception):
    """Base class: ``user_message`` is shown in the UI/CLI instead of a traceback."""

    def __init__(self, user_message: str, *, detail: str = "") -> None:
        super().__init__(user_message if not detail else f"{user_message} ({detail})")
        self.user_message = user_message
        self.detail = detail


class InvalidQuestionError(MollyError):
    """The learner's input cannot be answered as given (empty, too long, not text)."""


class KnowledgeBaseError(MollyError):
    """The corpus or index is missing, corrupt or does not match the embedder."""


class ModelFileError(MollyError):
    """The GGUF model file is missing, incomplete or fails its checksum."""


class BackendError(MollyError):
    """The LLM backend failed: unreachable, timed out, or returned nothing usable."""


class CourseError(MollyError):
    """A course or course document is unknown, misnamed or cannot be stored."""
