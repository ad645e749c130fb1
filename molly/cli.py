"""``molly`` command line: ``ask``, ``index build``, ``serve``. Each is a thin wrapper."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from molly.config import Settings
from molly.errors import MollyError
from molly.schemas import Answer


def progress_bar(desc: str, unit: str = "chunk") -> Callable[[int, int], None]:
    """A tqdm bar (with ETA) on stderr, driven by ``(done, total)`` calls."""
    from tqdm import tqdm

    bar: list[tqdm] = []

    def update(done: int, total: int) -> None:
        if not bar:
            bar.append(tqdm(total=total, desc=desc, unit=unit, file=sys.stderr))
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


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from molly.agent import Tutor
    from molly.evaluation.runner import CONFIGS, RETRIEVAL, EvalRun, check_fail_under, load_aliases
    from molly.factory import build_retriever
    from molly.llm import build_chat_model

    bars = {}
    for spec in args.fail_under:
        name, _, value = spec.partition("=")
        try:
            bars[name.strip()] = float(value)
        except ValueError:
            raise MollyError(f"--fail-under takes METRIC=VALUE, got {spec!r}") from None
    configs = [RETRIEVAL] if args.retrieval_only else (args.config or list(CONFIGS))
    unknown = [c for c in configs if c not in (*CONFIGS, RETRIEVAL)]
    if unknown:
        raise MollyError(f"Unknown configuration(s) {unknown}; choose from {', '.join(CONFIGS)}.")
    retriever = build_retriever(settings, progress=progress_bar("Building the docs index"))
    runner = EvalRun(settings, retriever, lambda: Tutor(settings, build_chat_model(settings), retriever,
                                                        retriever.embedder), load_aliases(settings.kb_dir))
    report = runner.run([Path(d) for d in args.datasets], configs, Path(args.out), args.limit,
                        progress=progress_bar("Evaluating", unit="question"))
    print((Path(args.out) / "report.md").read_text(encoding="utf-8"))
    misses = check_fail_under(report, bars)
    for miss in misses:
        print(f"molly eval: below the bar: {miss}", file=sys.stderr)
    return 1 if misses else 0


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
    ev = sub.add_parser("eval", help="measure configurations side by side on QA sets")
    ev.add_argument("datasets", nargs="+", help="JSONL datasets (see eval/datasets/README.md)")
    ev.add_argument("--config", action="append", help="llm-only, rag or molly (repeatable; default: all three)")
    ev.add_argument("--out", required=True, help="report folder (re-running resumes it)")
    ev.add_argument("--limit", type=int, default=None, help="first N questions of each dataset")
    ev.add_argument("--retrieval-only", action="store_true", help="score retrieval alone, no LLM call")
    ev.add_argument("--fail-under", action="append", default=[], metavar="METRIC=VALUE",
                    help="exit 1 if a configuration's metric is below VALUE, e.g. anchor_hit@5=0.3")
    ev.set_defaults(func=_eval)
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
