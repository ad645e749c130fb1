"""``molly`` command line: ``ask``, ``index build``, ``serve``. Each is a thin wrapper."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from molly.config import Settings
from molly.errors import MollyError
from molly.schemas import Answer


def progress_bar(desc: str) -> Callable[[int, int], None]:
    """A tqdm bar on stderr, driven by ``(done, total)`` calls."""
    from tqdm import tqdm

    bar: list[tqdm] = []

    def update(done: int, total: int) -> None:
        if not bar:
            bar.append(tqdm(total=total, desc=desc, unit="chunk", file=sys.stderr))
        bar[0].n = done
        bar[0].refresh()
        if done >= total:
            bar[0].close()

    return update


def format_answer(answer: Answer) -> str:
    """The answer with its sources and checks, for a terminal."""
    lines = [answer.text, ""]
    if answer.citations:
        lines.append("Sources:")
        lines += [f"  [{c.id}] {c.title} — {c.url}" for c in answer.citations]
    lines.append("Checks: " + ", ".join(f"{c.name} {'✓' if c.passed else '✗'}" for c in answer.checks))
    lines.append(f"({answer.timings.get('total', 0):.1f} s, {answer.llm_calls} LLM calls)")
    return "\n".join(lines)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from molly.agent import validate_question
    from molly.factory import build_tutor

    question = " ".join(args.question) if args.question != ["-"] else sys.stdin.read()
    validate_question(question, settings.max_question_chars)  # before loading any model
    tutor = build_tutor(settings, progress=progress_bar("Building the docs index"))
    answer = tutor.plain_rag(question) if args.plain else tutor.ask(question)
    print(answer.model_dump_json(indent=2) if args.json else format_answer(answer))
    return 0


def _index(args: argparse.Namespace, settings: Settings) -> int:
    from molly.factory import build_embedder
    from molly.retrieval.store import VectorStore, load_corpus

    embedder = build_embedder(settings)
    if args.action == "verify":
        chunks, digest = load_corpus(settings.kb_dir)
        VectorStore.load(settings.index_dir, chunks, digest, embedder)
        print(f"index OK: {len(chunks)} chunks at {settings.index_dir}")
        return 0
    chunks, digest = load_corpus(settings.kb_dir)
    store = VectorStore.build(chunks, digest, embedder, settings.index_dir, progress=progress_bar("Embedding"))
    print(f"built {len(store)} vectors at {settings.index_dir}")
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from molly.factory import build_tutor
    from molly.ui import launch

    tutor = build_tutor(settings, progress=progress_bar("Building the docs index"))
    tutor.warm_up()
    launch(tutor, settings)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``molly`` console script."""
    parser = argparse.ArgumentParser(prog="molly", description="A Python tutor that cites the docs and checks itself.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each stage")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer one question")
    ask.add_argument("question", nargs="+", help="the question ('-' reads it from stdin)")
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    ask.add_argument("--plain", action="store_true", help="plain single-call RAG (the baseline), for comparison")
    ask.set_defaults(func=_ask)
    index = sub.add_parser("index", help="build or verify the docs index")
    index.add_argument("action", choices=["build", "verify"])
    index.set_defaults(func=_index)
    serve = sub.add_parser("serve", help="start the browser chat")
    serve.set_defaults(func=_serve)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings()
        return int(args.func(args, settings))
    except MollyError as e:
        print(f"molly: {e.user_message}" + (f"\n  ({e.detail})" if e.detail else ""), file=sys.stderr)
        return 2
    except ValueError as e:  # bad MOLLY_* settings
        print(f"molly: invalid settings: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
