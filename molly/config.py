"""Settings: one object built once (from ``MOLLY_*`` environment variables) and passed down.

Nothing else in molly reads the environment. Unknown ``MOLLY_*`` variables are rejected, with
the closest real name, so that a typo fails at start-up instead of being silently ignored.
"""

from __future__ import annotations

import os
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Every knob Molly has. Example: ``MOLLY_LLM_BACKEND=openai MOLLY_OPENAI_BASE_URL=...``."""

    model_config = SettingsConfigDict(env_prefix="MOLLY_", extra="forbid", frozen=True)

    # LLM backend
    llm_backend: Literal["embedded", "openai", "fake"] = "embedded"
    model_path: Path | None = Field(
        default=None, description="Any GGUF file; default: the packaged Qwen2.5-Coder-1.5B, assembled into cache_dir."
    )
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_api_key: str = "not-needed"
    openai_model: str = "molly"
    openai_structured_output: Literal["json_schema", "function_calling"] = Field(
        default="json_schema", description="How a served model is made to return JSON: vLLM enforces json_schema; "
        "llama.cpp's server needs function_calling.")
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_answer_tokens: int = Field(default=256, gt=0, le=4096)
    n_ctx: int = Field(default=4096, ge=512)
    n_threads: int | None = Field(default=None, ge=1, description="llama.cpp threads; default: all cores.")
    llm_timeout_s: float = Field(default=120.0, gt=0)

    # Knowledge base and retrieval
    cache_dir: Path = Field(default=Path.home() / ".cache" / "molly")
    kb_dir: Path = REPO_ROOT / "knowledge_base" / "pydocs-3.11"
    embedder_path: Path | None = Field(default=None, description="A sentence-transformers folder; default: the packaged MiniLM.")
    top_k: int = Field(default=4, gt=0, le=20)
    candidate_k: int = Field(default=12, gt=0, le=100)
    score_floor: float = Field(default=0.30, ge=-1.0, le=1.0)
    passage_token_budget: int = Field(default=350, gt=0, description="Tokens of passages in the draft prompt: "
                                      "prompt reading is the main cost on a CPU (~55 tokens/s on 2 cores).")
    passage_max_tokens: int | None = Field(default=110, gt=20, description="Each docs passage is cut to its opening "
                                           "(about this many tokens), so more passages share the budget.")
    per_page: int = Field(default=2, gt=0, description="At most this many passages from one page.")
    hybrid_retrieval: bool = Field(default=True, description="Fuse a BM25 keyword ranking with the dense one "
                                   "(reciprocal rank fusion); see the README's retrieval table.")
    traceback_lookup: bool = Field(default=True, description="Pin the docs entries a pasted traceback names "
                                   "(its exception, the functions on the failing line) before dense search.")

    solution_policy: Literal["hints_only", "worked_examples"] = Field(
        default="worked_examples", description="For questions asked without a course: 'hints_only' never shows a "
        "learner's corrected program (a course sets its own policy; graded-work requests get hints either way).")

    # Course materials
    courses_db: Path = Field(default=Path.home() / ".local" / "share" / "molly" / "courses.sqlite",
                             description="SQLite file holding every course's documents, vectors and questions.")
    sample_course: bool = Field(default=True, description="Load knowledge_base/courses/intro-python if no course exists.")
    course_boost: float = Field(default=0.05, ge=0.0, le=0.5, description="Added to course passages' scores.")
    max_upload_mb: float = Field(default=20.0, gt=0, description="Largest single file (or zip entry) accepted.")
    max_zip_entries: int = Field(default=500, gt=0)
    max_unpacked_mb: float = Field(default=200.0, gt=0, description="Most bytes one zip archive may unpack to.")
    max_zip_ratio: float = Field(default=100.0, gt=1, description="Largest compression ratio of a zip entry over 1 MB.")
    parse_memory_mb: int = Field(default=1024, ge=256, description="Address-space cap of the file-parsing process.")
    parse_timeout_s: float = Field(default=20.0, gt=0, description="Longest one file may take to parse.")
    instructor_password_hash: str = Field(
        default="", description="scrypt hash from `molly hash-password`; enables the instructors' page.")

    # Perception
    intent_classifier: bool = Field(default=True, description="Decide the intent kind by rules and a classifier "
                                    "over MiniLM (no LLM call); off: the LLM's intent call, as before.")
    intent_examples: list[Path] = Field(default=[], description="More labelled intent examples (JSON lines: "
                                        "text, label), e.g. an instructor's own; learned beside the shipped ones.")

    # Checking code
    run_code: bool = Field(default=True, description="Run answers' Python blocks in the sandbox (molly/sandbox.py).")
    claim_rules: bool = Field(default=True, description="Decide claims by rules (citations, quotes, negations, "
                              "words covered) before the LLM verdict; off: the LLM judges every sentence.")
    debug_prose: bool = Field(default=False, description=(
        "Under hints only, let the model add a short explanation below a debugging run's facts. Off by default: "
        "blind grading of 26 held-out debugging answers found false claims in 16 with the prose and in 4 with "
        "the facts alone (eval/grades/facts_only_ab); the facts name the line, the idea and what ran."))
    claim_verdict: bool = Field(default=False, description=(
        "Ask the model about the sentences no rule decided, and remove those it calls unsupported. Off by "
        "default: on held-out paraphrased answers it removed 77 true sentences to catch 14 faulty ones "
        "(eval/README.md); undecided sentences are shown, and the badge says they were not checked."))

    # Input and output limits
    max_question_chars: int = Field(default=4000, gt=0)
    history_turns: int = Field(default=3, ge=0, le=20, description="Earlier turns a follow-up question sees.")
    history_chars: int = Field(default=400, gt=0, description="Each earlier question/answer is cut to this length.")
    allowed_link_hosts: list[str] = Field(default=["docs.python.org"], description="Hosts answers may link to (https).")

    # Web UI and a class sharing one server
    host: str = Field(default="127.0.0.1", description="Off loopback, learner accounts are required.")
    port: int = Field(default=7860, gt=0, lt=65536)
    learners_file: Path | None = Field(
        default=None, description="Learner accounts (`molly learners add`); required when host is not loopback.")
    rate_limit_questions: int = Field(default=20, gt=0, description="Questions one learner may ask per window.")
    rate_limit_window_s: float = Field(default=600.0, gt=0)
    queue_max_size: int = Field(default=32, gt=0, description="Waiting turns beyond this get an instant 'busy'.")
    concurrent_answers: int | None = Field(
        default=None, ge=1, description="Turns in flight at once; default 1 for the embedded model, 8 for a server.")

    @model_validator(mode="before")
    @classmethod
    def _no_unknown_env(cls, data: Any) -> Any:
        # pydantic-settings silently ignores unknown prefixed variables; a typo must fail instead.
        known = {f"MOLLY_{name.upper()}" for name in cls.model_fields}
        unknown = sorted(k for k in os.environ if k.upper().startswith("MOLLY_") and k.upper() not in known)
        if unknown:
            hints = [f"{k} (did you mean {m[0]}?)" if (m := get_close_matches(k.upper(), known, 1)) else k for k in unknown]
            raise ValueError(f"unknown setting(s): {', '.join(hints)}")
        return data

    @model_validator(mode="after")
    def _candidates_cover_top_k(self) -> Settings:
        if self.candidate_k < self.top_k:
            raise ValueError(f"candidate_k must be >= top_k, got {self.candidate_k} < {self.top_k}")
        return self

    @property
    def answer_slots(self) -> int:
        """How many learners' turns may run at once: llama.cpp in-process runs one at a time; a
        served backend (vLLM) batches concurrent requests, so it gets several."""
        if self.concurrent_answers is not None:
            return 1 if self.llm_backend == "embedded" else self.concurrent_answers
        return 1 if self.llm_backend == "embedded" else 8

    @property
    def index_dir(self) -> Path:
        """Where the FAISS index of ``kb_dir`` lives (shipped beside the corpus)."""
        return self.kb_dir / "index"
