"""``molly`` command line: ``ask``, ``index``, ``eval``, ``ingest``, ``course``, ``serve``. Each is a thin wrapper."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from molly.config import Settings
from molly.errors import MollyError
from molly.schemas import Answer

if TYPE_CHECKING:  # heavy: imported when a command needs it
    from molly.agent import Tutor


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


def file_progress(desc: str) -> Callable[[int, int, str], None]:
    """A tqdm bar over files (count and ETA) showing the current file's name."""
    from tqdm import tqdm

    bar: list[tqdm] = []

    def update(done: int, total: int, name: str) -> None:
        if not bar:
            bar.append(tqdm(total=total, desc=desc, unit="file", file=sys.stderr))
        bar[0].total = total
        bar[0].n = done
        bar[0].set_postfix_str(name[-40:], refresh=False)
        bar[0].refresh()
        if done >= total and not name:
            bar[0].close()

    return update


def format_answer(answer: Answer) -> str:
    """The answer with what was verified (the browser's badge), its sources and checks, for a terminal."""
    from molly.reflect.badge import badge

    lines = [line.replace("**", ""), ""] if (line := badge(answer)) else []
    lines += [answer.text, ""]
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
    if args.course and tutor.courses is not None:
        tutor.courses.profile(args.course)  # an unknown course fails before any LLM call
    answer = (tutor.plain_rag(question, course=args.course) if args.plain
              else tutor.ask(question, course=args.course))
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

    from molly.evaluation.runner import BASIC, CONFIGS, INTENT, RETRIEVAL, EvalRun, check_fail_under
    from molly.factory import build_retriever, build_tutor
    from molly.retrieval.store import load_aliases

    bars = {}
    for spec in args.fail_under:
        name, _, value = spec.partition("=")
        try:
            bars[name.strip()] = float(value)
        except ValueError:
            raise MollyError(f"--fail-under takes METRIC=VALUE, got {spec!r}") from None
    configs = [RETRIEVAL] if args.retrieval_only else [INTENT] if args.intent_only else (args.config or list(CONFIGS))
    unknown = [c for c in configs if c not in (*CONFIGS, BASIC, RETRIEVAL, INTENT)]
    if unknown:
        raise MollyError(f"Unknown configuration(s) {unknown}; choose from {', '.join((*CONFIGS, BASIC))}.")
    if args.hints_only:
        settings = settings.model_copy(update={"solution_policy": "hints_only"})
    retriever = build_retriever(settings, progress=progress_bar("Building the docs index"))
    runner = EvalRun(settings, retriever, lambda: build_tutor(settings, retriever=retriever),
                     load_aliases(settings.kb_dir), judge=not args.no_judge)
    report = runner.run([Path(d) for d in args.datasets], configs, Path(args.out), args.limit,
                        progress=progress_bar("Evaluating", unit="question"), split=args.split,
                        grade_sheet=args.grade_sheet, grades=Path(args.grades) if args.grades else None)
    print((Path(args.out) / "report.md").read_text(encoding="utf-8"))
    misses = check_fail_under(report, bars)
    for miss in misses:
        print(f"molly eval: below the bar: {miss}", file=sys.stderr)
    return 1 if misses else 0


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    import threading
    from pathlib import Path

    from molly.factory import build_course_db, build_embedder, build_ingestor

    paths = [Path(p) for p in args.paths]
    db = build_course_db(settings, build_embedder(settings))
    cancel = threading.Event()
    try:
        report = build_ingestor(settings, db).run(args.course, paths, args.visibility, include_outputs=args.outputs,
                                                  progress=file_progress(f"Ingesting into {args.course}"),
                                                  cancel=cancel)
    except KeyboardInterrupt:
        print("molly: interrupted; every batch stored before the interrupt is kept. "
              "Run the same command again to finish (stored files are skipped).", file=sys.stderr)
        return 130
    print(report.to_text())
    return 1 if report.count("failed") else 0


def _course(args: argparse.Namespace, settings: Settings) -> int:
    import json
    from pathlib import Path

    from molly.courses.db import check_course_name
    from molly.errors import CourseError
    from molly.factory import build_course_db, build_embedder
    from molly.schemas import CourseProfile

    db = build_course_db(settings, build_embedder(settings))
    if args.action == "list":
        for name in db.courses():
            docs = db.documents(name)
            print(f"{name}: {len(docs)} documents, {sum(d.n_chunks for d in docs)} chunks")
        return 0
    if not args.name:
        raise CourseError(f"`molly course {args.action}` needs a course name.")
    name = check_course_name(args.name)
    if args.action == "docs":
        import time

        for d in db.documents(name):
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(d.ingested_at))
            print(f"{d.name}\t{d.visibility}\tv{d.version}\t{d.n_chunks} chunks\t{when}\t{d.notes}")
    elif args.action == "show":
        print(db.profile(name).model_dump_json(indent=2))
    elif args.action == "set":
        current = db.ensure_course(name).model_dump()
        if args.from_json:
            current.update(json.loads(Path(args.from_json).read_text(encoding="utf-8")))
        if args.context is not None:
            current["context"] = args.context
        if args.avoid is not None:
            current["avoid"] = [a.strip() for a in args.avoid.split(",") if a.strip()]
        if args.policy is not None:
            current["solution_policy"] = args.policy
        if args.decline is not None:
            current["decline"] = [t.strip() for t in args.decline if t.strip()]
        db.set_profile(CourseProfile.model_validate(current))
        print(db.profile(name).model_dump_json(indent=2))
    elif args.action == "delete-doc":
        if not args.doc or not db.delete(name, args.doc):
            raise CourseError(f"No document {args.doc!r} in course {name}.", detail="see `molly course docs NAME`")
        print(f"deleted {args.doc}")
    elif args.action == "insight":
        from molly.insight import build, render

        db.profile(name)  # a CourseError naming the courses there are
        view = build(db, name, floor=settings.score_floor - settings.course_boost, since=args.since, names=args.names)
        if args.out:
            Path(args.out).write_text(render(view), encoding="utf-8")
            print(f"wrote {args.out}: {view.asked} questions in {len(view.topics)} topics")
        else:
            print(_insight_text(view))
    elif args.action == "export":
        text = db.export_csv(name)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    return 0


def _insight_text(view: Any) -> str:
    """The insight view for a terminal: the counts and the topics table."""
    if view.empty:
        return f"{view.course}: no questions yet" + (f" since {view.since}" if view.since else "") + "."
    lines = [f"{view.course}: {view.asked} questions in {len(view.topics)} topics, "
             f"{sum(view.declined.values())} requests declined, {len(view.gaps())} gaps in the course material, "
             f"{len(view.unanswered())} unanswered", "", "topic\tquestions\tthumbs down\twithheld\tnot checked\tname"]
    lines += [f"{t.id}\t{t.questions}\t{t.thumbs_down}\t{t.withheld}\t{t.not_checked}\t{t.name}" for t in view.topics]
    return "\n".join(lines)


def _learners(args: argparse.Namespace, settings: Settings) -> int:
    from molly.learners import LearnerAccounts

    if settings.learners_file is None:
        raise MollyError("Set MOLLY_LEARNERS_FILE to the accounts file first, e.g. ~/molly-learners.txt.")
    accounts = LearnerAccounts(settings.learners_file)
    if args.action == "list":
        print("\n".join(accounts.names()))
        return 0
    names = args.names or [line.strip() for line in sys.stdin if line.strip()]
    print("name,password")  # CSV for the instructor to hand out; only hashes are kept
    for name, password in accounts.add(names):
        print(f"{name},{password}")
    return 0


def _hash_password(args: argparse.Namespace, settings: Settings) -> int:
    import getpass

    from molly.auth import hash_password

    password = getpass.getpass("Instructor password: ")
    if password != getpass.getpass("Again: "):
        print("molly: the passwords differ", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from molly.courses.db import CourseDB
    from molly.factory import build_desk, build_tutor
    from molly.ui import launch

    tutor = build_tutor(settings, progress=progress_bar("Building the docs index"))
    tutor.warm_up()
    courses = tutor.courses if isinstance(tutor.courses, CourseDB) else None
    demo = launch(tutor, settings, desk=build_desk(settings, courses) if courses is not None else None, block=False)
    print(ready_text(settings, tutor, courses.courses() if courses is not None else []), flush=True)
    demo.block_thread()
    return 0


def ready_text(settings: Settings, tutor: Tutor, courses: list[str]) -> str:
    """What a user needs once the tutor is up: where the page is, which model and index, which courses."""
    if settings.llm_backend == "embedded":
        gguf = settings.model_path.name if settings.model_path else "the packaged Qwen2.5-Coder-1.5B-Instruct (Q4_K_M)"
        model = f"{gguf}, in process (llama.cpp)"
    elif settings.llm_backend == "openai":
        model = f"{settings.openai_model!r} served at {settings.openai_base_url}"
    else:
        model = "the scripted fake model (no LLM: for demos and tests)"
    store = getattr(tutor.retriever, "store", None)
    index = f"Python 3.11 docs, {len(store):,} passages" if store is not None else "Python 3.11 docs"
    who = ("anyone on this computer (no login on loopback)" if settings.host in ("127.0.0.1", "localhost", "::1")
           else f"learners listed in {settings.learners_file} (login)")
    return "\n".join([f"Molly is ready: http://{settings.host}:{settings.port}  (Ctrl+C stops it)",
                      f"  model:    {model}", f"  index:    {index}",
                      f"  courses:  {len(courses)}" + (f" ({', '.join(courses[:5])}{', …' if len(courses) > 5 else ''})"
                                                      if courses else ""),
                      f"  learners: {who}"])


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``molly`` console script."""
    parser = argparse.ArgumentParser(prog="molly", description="A Python tutor that cites the docs and checks itself.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each stage")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer one question")
    ask.add_argument("question", nargs="+", help="the question ('-' reads it from stdin)")
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    ask.add_argument("--plain", action="store_true", help="plain single-call RAG (the baseline), for comparison")
    ask.add_argument("--course", help="also search this course's materials and apply its steering")
    ask.set_defaults(func=_ask)
    ing = sub.add_parser("ingest", help="load course materials (files, folders, zip archives)")
    ing.add_argument("--course", required=True, help="course id: lower-case letters, digits, '-' and '_'")
    ing.add_argument("--visibility", choices=["learner", "instructor"], default="learner",
                     help="'instructor' material (solutions, rubrics) is never retrieved for learners")
    ing.add_argument("--outputs", action="store_true", help="keep notebook cell outputs")
    ing.add_argument("paths", nargs="+")
    ing.set_defaults(func=_ingest)
    course = sub.add_parser("course", help="list courses, their documents and steering; delete; export; insight")
    course.add_argument("action", choices=["list", "docs", "show", "set", "delete-doc", "export", "insight"])
    course.add_argument("name", nargs="?")
    course.add_argument("doc", nargs="?", help="document name, for delete-doc")
    course.add_argument("--context", help="level and what has been taught (set)")
    course.add_argument("--avoid", help="comma-separated constructs not taught yet, e.g. lambda,comprehension (set)")
    course.add_argument("--policy", choices=["hints_only", "worked_examples"], help="solution policy (set)")
    course.add_argument("--decline", action="append", metavar="TOPIC",
                        help="a topic to decline for this course, e.g. 'week 5 project' (repeat for more; set)")
    course.add_argument("--from-json", help="read context/avoid/solution_policy from a JSON file (set)")
    course.add_argument("--out", help="CSV file for export, HTML page for insight (default: a summary on stdout)")
    course.add_argument("--since", metavar="DATE", help="insight: questions asked on or after DATE (YYYY-MM-DD)")
    course.add_argument("--names", action="store_true",
                        help="insight: learners' account names instead of pseudonyms (only with learner accounts)")
    course.set_defaults(func=_course)
    lrn = sub.add_parser("learners", help="learner accounts for serving beyond this computer (MOLLY_LEARNERS_FILE)")
    lrn.add_argument("action", choices=["add", "list"], help="add: create or reset accounts, printing name,password")
    lrn.add_argument("names", nargs="*", help="learner names (default: one per line on stdin)")
    lrn.set_defaults(func=_learners)
    hp = sub.add_parser("hash-password", help="print the hash for MOLLY_INSTRUCTOR_PASSWORD_HASH")
    hp.set_defaults(func=_hash_password)
    index = sub.add_parser("index", help="build or verify the docs index")
    index.add_argument("action", choices=["build", "verify"])
    index.set_defaults(func=_index)
    ev = sub.add_parser("eval", help="measure configurations side by side on QA sets")
    ev.add_argument("datasets", nargs="+", help="JSONL datasets (see eval/datasets/README.md)")
    ev.add_argument("--config", action="append", help="llm-only, rag, molly or molly-basic (molly without its verification layer); "
                    "repeatable; default: the first three")
    ev.add_argument("--out", required=True, help="report folder (re-running resumes it)")
    ev.add_argument("--limit", type=int, default=None, help="first N questions of each dataset")
    ev.add_argument("--split", help="only the items whose split is this (e.g. heldout)")
    ev.add_argument("--retrieval-only", action="store_true", help="score retrieval alone, no LLM call")
    ev.add_argument("--intent-only", action="store_true",
                    help="run the intent stage alone (rules + one LLM call): intent accuracy and confusion, fast")
    ev.add_argument("--hints-only", action="store_true",
                    help="answer as a hints_only course would (MOLLY_SOLUTION_POLICY=hints_only), for solution_leak_rate")
    ev.add_argument("--no-judge", action="store_true",
                    help="skip the LLM-judged metrics (faithfulness, correctness): faster, fewer figures")
    ev.add_argument("--grade-sheet", action="store_true",
                    help="also write a blind sheet of the answers (all configurations shuffled) for grading by reading")
    ev.add_argument("--grades", metavar="FILE",
                    help="fold a person's grades of that sheet (good/flawed/wrong + reason) into the report")
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
