"""`make mutation`: mutation testing of the rule modules, with cosmic-ray.

Each module in mutation/modules.toml is mutated one small change at a time
(a comparison flipped, `and`/`or` swapped, a number ±1, True/False swapped, a
condition negated, a `raise` or `return` deleted, an `except` that no longer
matches, a loop that never runs, a decorator removed) and only the tests that
exercise that module run against each mutant, on SQLite. A mutant the tests
still pass is a rule no test proves, unless it changes nothing a user or the
database could see: those are listed with why in mutation/equivalent.toml and
set aside in the second score.

cosmic-ray, not mutmut: mutmut 3 skips every method with a decorator other
than a lone @staticmethod/@classmethod, which is most of the transfer workflow
(`@classmethod @transaction.atomic`). cosmic-ray edits the source file itself,
so the run works on a copy of the project in a temporary directory: the tree
you work in is never touched, even when the run is interrupted.

    python mutation/run.py                       # every module
    python mutation/run.py borrowers/reminders.py  # just these
"""

import argparse
import hashlib
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import attrs
import parso
from cosmic_ray import mutating, plugins
from cosmic_ray.commands import init
from cosmic_ray.mutating import mutate_and_test
from cosmic_ray.operators.operator import Example, Operator
from cosmic_ray.testing import run_tests
from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import TestOutcome, WorkerOutcome

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "mutation"
SESSIONS = ROOT / ".mutation"

#: The mutations made; cosmic-ray's other operators (every arithmetic operator into
#: every other, variables swapped in) mostly make code that cannot run at all.
OPERATORS = {
    "core": [
        *(
            f"ReplaceComparisonOperator_{a}_{b}"
            for a, b in [
                ("Eq", "NotEq"),
                ("NotEq", "Eq"),
                ("Lt", "LtE"),
                ("Lt", "GtE"),
                ("LtE", "Lt"),
                ("LtE", "Gt"),
                ("Gt", "GtE"),
                ("Gt", "LtE"),
                ("GtE", "Gt"),
                ("GtE", "Lt"),
                ("Is", "IsNot"),
                ("IsNot", "Is"),
            ]
        ),
        "ReplaceBinaryOperator_Add_Sub",
        "ReplaceBinaryOperator_Sub_Add",
        "ReplaceUnaryOperator_Delete_Not",
        "AddNot",
        "ReplaceTrueWithFalse",
        "ReplaceFalseWithTrue",
        "ReplaceAndWithOr",
        "ReplaceOrWithAnd",
        "ReplaceBreakWithContinue",
        "ReplaceContinueWithBreak",
        "NumberReplacer",
        "ExceptionReplacer",
        "ZeroIterationForLoop",
        "RemoveDecorator",
    ],
    "registry": ["DeleteStatement"],
}

COPY_IGNORE = shutil.ignore_patterns(
    ".venv",
    ".git",
    ".mutation",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "db.sqlite3*",
    ".env",
    "staticfiles",
    "test-results",
    "node_modules",
)


class DeleteStatement(Operator):
    """`raise …` or `return …` becomes `pass`: is the refusal, or the result, checked?"""

    STATEMENTS = {"raise_stmt", "return_stmt"}

    def mutation_positions(self, node):
        bare = node.type == "keyword" and node.value in ("raise", "return")
        if node.type in self.STATEMENTS or (bare and node.parent.type == "simple_stmt"):
            yield (node.start_pos, node.end_pos)

    def mutate(self, node, index):
        prefix = node.get_first_leaf().prefix
        return parso.python.tree.Keyword("pass", node.start_pos, prefix=prefix)

    @classmethod
    def examples(cls):
        return (Example("def f():\n    return 1\n", "def f():\n    pass\n"),)


class Chosen:
    """An operator provider narrowed to the operators named in OPERATORS."""

    def __init__(self, provider, names):
        self.provider, self.names = provider, names

    def __iter__(self):
        return iter(self.names)

    def __getitem__(self, name):
        return self.provider[name]


def use_chosen_operators():
    core = plugins.OPERATOR_PROVIDERS["core"]
    plugins.OPERATOR_PROVIDERS.clear()
    plugins.OPERATOR_PROVIDERS["core"] = Chosen(core, OPERATORS["core"])
    plugins.OPERATOR_PROVIDERS["registry"] = Chosen(
        {"DeleteStatement": DeleteStatement}, OPERATORS["registry"]
    )


def tiers(spec: dict) -> list[list[str]]:
    """The tests in the order they run: a list inside `tests` is a tier of its own,
    run (in its own pytest) only when the tiers before it pass. pytest-django runs
    the database tests of one pytest first, so the quick tests without a database
    that kill most mutants go in a first tier."""
    return [entry if isinstance(entry, list) else [entry] for entry in spec["tests"]]


def pytest_args(tests: list[str]) -> list[str]:
    args = ["-x", "-q", "--tb=short", "-p", "no:cacheprovider"]
    return [*args, "-m", "not browser and not postgres", "-o", "addopts=", *tests]


def test_commands(spec: dict, warm: "Warm") -> tuple["WarmCommand", str]:
    """The tests (on the warm runner), and for a mutant in a declaration (a model
    field, Meta) of a module with `migrations`, the tests after `makemigrations
    --check` in a fresh process: that check is what sees those."""
    in_code = WarmCommand(warm, tuple(tuple(pytest_args(tier)) for tier in tiers(spec)))
    every = [test for tier in tiers(spec) for test in tier]
    pytest = shlex.join([sys.executable, "-m", "pytest", *pytest_args(every)])
    if not spec.get("migrations"):
        return in_code, in_code
    check = [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run", "-v", "0"]
    return in_code, shlex.join(["sh", "-c", f"{shlex.join(check)} && {pytest}"])


class Warm:
    """mutation/warm.py: the test libraries imported once, one forked pytest per mutant
    (a fresh process would spend most of a mutant's seconds importing them)."""

    def __init__(self, workdir: Path):
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        self.output = workdir / ".mutation-output.txt"
        self.process = subprocess.Popen(  # noqa: S603 (our own script, by path)
            [sys.executable, str(workdir / "mutation" / "warm.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=workdir,
        )

    def run(self, tiers: tuple, timeout: float) -> tuple[TestOutcome, str]:
        deadline = time.monotonic() + timeout
        output = ""
        for args in tiers:
            left = deadline - time.monotonic()
            request = {"args": list(args), "timeout": left, "output": str(self.output)}
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            code = json.loads(self.process.stdout.readline())["code"]
            if code is None:
                return TestOutcome.KILLED, "timeout"
            output = self.output.read_text(encoding="utf-8", errors="replace")
            if code != 0:
                return TestOutcome.KILLED, output
        return TestOutcome.SURVIVED, output

    def close(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # interrupted in the middle of a mutant
            self.process.kill()


@attrs.frozen
class WarmCommand:
    warm: Warm
    tiers: tuple  # of pytest argument tuples


def run_tests_warm_or_cold(command, timeout):
    """cosmic-ray's run_tests, for a WarmCommand on the warm runner."""
    if isinstance(command, WarmCommand):
        return command.warm.run(command.tiers, timeout)
    return run_tests(command, timeout)


mutating.run_tests = run_tests_warm_or_cold


def in_function(tree, position) -> bool:
    node = tree.get_leaf_for_position(position, include_prefixes=True)
    while node is not None and node.type != "funcdef":
        node = node.parent
    return node is not None


def load_equivalents() -> dict[str, list[dict]]:
    with open(HERE / "equivalent.toml", "rb") as handle:
        return tomllib.load(handle)


def describe(module: Path, item) -> tuple[dict, str]:
    """The mutant's key for equivalent.toml (function, line, operator) and how it reads."""
    [mutation] = item.mutations
    line_no = mutation.start_pos[0]
    line = module.read_text(encoding="utf-8").splitlines()[line_no - 1].strip()
    key = {
        "function": mutation.definition_name or "",
        "line": line,
        "operator": mutation.operator_name.split("/", 1)[1],
    }
    return key, f"line {line_no} in {key['function'] or '(module)'}: {key['operator']}: {line}"


def is_equivalent(key: dict, known: list[dict]) -> str | None:
    for entry in known:
        if all(entry.get(name) == value for name, value in key.items()):
            return entry["why"]
    return None


def mutate_module(
    name: str, spec: dict, workdir: Path, known: list[dict], again: str | None, warm: Warm
) -> dict:
    """Run every mutant of `name` (with `again`, when the module is unchanged since
    the last run: "survivors" only its survivors, "resume" only the mutants it did
    not reach) and count the outcomes of all of them."""
    module = workdir / name
    source = module.read_text(encoding="utf-8")
    tree = parso.parse(source)
    in_code, in_declaration = test_commands(spec, warm)
    started = time.monotonic()
    seconds = []
    for command in dict.fromkeys((in_declaration, in_code)):
        began = time.monotonic()
        outcome, output = run_tests_warm_or_cold(command, 900)
        seconds.append(time.monotonic() - began)
        if outcome != TestOutcome.SURVIVED:
            sys.exit(f"{name}: the tests fail without any mutation:\n{output[-3000:]}")
    cold, baseline = seconds[0], seconds[-1]
    timeout = max(30.0, 4 * cold)

    # Kept between runs (git-ignored) for --survivors; mutants are numbered per
    # module source, so a session is reused only for the very same source.
    SESSIONS.mkdir(exist_ok=True)
    stem = SESSIONS / name.replace("/", "_")
    session, digest = stem.with_suffix(".sqlite"), stem.with_suffix(".sha256")
    source_hash = hashlib.sha256(source.encode()).hexdigest()
    if not (session.exists() and digest.exists() and digest.read_text() == source_hash):
        again = None
    if not again:
        session.unlink(missing_ok=True)
    with use_db(str(session), WorkDB.Mode.create) as db:
        if again == "resume":
            items = list(db.pending_work_items)
        elif again:
            items = [
                item
                for item, result in db.completed_work_items
                if result.test_outcome != TestOutcome.KILLED
            ]
        else:
            init([Path(name)], db, {})
            digest.write_text(source_hash)
            items = list(db.pending_work_items)
        print(
            f"{name}: running {len(items)} of {db.num_work_items} mutants; "
            f"tests take {baseline:.1f} s unmutated ({cold:.1f} s in a fresh process)",
            flush=True,
        )
        for done, item in enumerate(items, 1):
            position = item.mutations[0].start_pos
            command = in_code if in_function(tree, position) else in_declaration
            # Relative to the copy: a kept session names the file as it was then.
            mutations = [attrs.evolve(m, module_path=Path(name)) for m in item.mutations]
            db.set_result(item.job_id, mutate_and_test(mutations, command, timeout))
            if done % 25 == 0:
                print(f"  {done}/{len(items)}", flush=True)
        return tally(module, db, known) | {"seconds": time.monotonic() - started}


def tally(module: Path, db: WorkDB, known: list[dict]) -> dict:
    counts = {"killed": 0, "survived": 0, "equivalent": 0, "incompetent": 0}
    survivors = []
    for item, result in db.completed_work_items:
        if result.worker_outcome == WorkerOutcome.NO_TEST:
            continue
        if result.test_outcome == TestOutcome.KILLED:
            counts["killed"] += 1
        elif result.test_outcome == TestOutcome.SURVIVED:
            key, text = describe(module, item)
            why = is_equivalent(key, known)
            counts["equivalent" if why else "survived"] += 1
            survivors.append((text, why, result.diff))
        else:
            counts["incompetent"] += 1
    survivors.sort()
    return {"counts": counts, "survivors": survivors}


def report(name: str, outcome: dict, verbose: bool) -> str:
    counts = outcome["counts"]
    for text, why, diff in outcome["survivors"]:
        if why:
            print(f"  equivalent  {text}\n              ({why})")
        else:
            print(f"  SURVIVED    {text}")
            if verbose and diff:
                print("\n".join(f"      {line}" for line in diff.splitlines()[3:]))
    judged = counts["killed"] + counts["survived"]
    total = judged + counts["equivalent"]
    raw = 100 * counts["killed"] / total if total else 100.0
    score = 100 * counts["killed"] / judged if judged else 100.0
    return (
        f"{name}: {score:5.1f} % of non-equivalent mutants killed "
        f"({counts['killed']} killed, {counts['survived']} survived, "
        f"{counts['equivalent']} equivalent; {raw:.1f} % of all {total}; "
        f"{counts['incompetent']} could not run) "
        f"in {outcome['seconds'] / 60:.1f} min"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="paths from mutation/modules.toml")
    parser.add_argument("--diff", action="store_true", help="print each survivor's diff")
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="run only the last run's survivors again (module unchanged; new tests only)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="run only the mutants an interrupted run did not reach (module unchanged)",
    )
    parser.add_argument("--min", type=float, default=95.0, help="the target score (%%)")
    args = parser.parse_args(argv)

    with open(HERE / "modules.toml", "rb") as handle:
        modules = tomllib.load(handle)["modules"]
    unknown = set(args.modules) - set(modules)
    if unknown:
        parser.error(f"not in mutation/modules.toml: {', '.join(sorted(unknown))}")
    chosen = args.modules or list(modules)
    known = load_equivalents()

    # A stop (Ctrl-C, kill) still removes the copy: SIGTERM unwinds like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    use_chosen_operators()
    os.environ.pop("DATABASE_URL", None)  # SQLite: fast, and no shared database touched
    lines = []
    with tempfile.TemporaryDirectory(prefix="registry-mutation-") as tmp:
        workdir = Path(tmp) / "project"
        shutil.copytree(ROOT, workdir, ignore=COPY_IGNORE)
        os.chdir(workdir)
        warm = Warm(workdir)
        again = "survivors" if args.survivors else "resume" if args.resume else None
        try:
            for name in chosen:
                outcome = mutate_module(
                    name, modules[name], workdir, known.get(name, []), again, warm
                )
                lines.append(report(name, outcome, args.diff))
                print(lines[-1], flush=True)
        finally:
            warm.close()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\nScores (load average now {load}):")
    print("\n".join(lines))
    return 0 if all(_score(line) >= args.min for line in lines) else 1


def _score(line: str) -> float:
    return float(line.split(":", 1)[1].split("%", 1)[0])


if __name__ == "__main__":
    sys.exit(main())
