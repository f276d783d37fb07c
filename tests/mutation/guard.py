"""The CI guard: a time-boxed mutation run over a fixed sample of mutants.

The sample is drawn, with a fixed seed, from the mutants of the modules changed since
the last release (the newest tag; every mutated module when there is none, or those
changed since ``MUTATE_BASE`` when set). It fails when the sample's score, less the
recorded equivalents, is below ``MUTATE_TARGET`` percent. ``make mutate-guard`` runs
it; docs/testing.md says how to read what it prints.

Environment: ``MUTATE_SAMPLE`` (mutants, default 100), ``MUTATE_BUDGET`` (seconds for
the mutants, default 600), ``MUTATE_SEED`` (default 19), ``MUTATE_CHILDREN``,
``MUTATE_TARGET`` (default 90) and ``MUTMUT`` (the command, as the Makefile builds it).
"""

from __future__ import annotations

import ast
import configparser
import os
import random
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCORE = Path(__file__).resolve().parent / "score.py"


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def mutated_paths() -> list[str]:
    """The files setup.cfg's [mutmut] section mutates."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    return config.get("mutmut", "only_mutate").split()


def last_release() -> str | None:
    """``MUTATE_BASE``, else the newest tag reachable from HEAD, else ``None``."""
    if os.environ.get("MUTATE_BASE"):
        return os.environ["MUTATE_BASE"]
    found = subprocess.run(
        ["git", "describe", "--tags", "--abbrev=0"], cwd=ROOT, capture_output=True, text=True
    )
    return found.stdout.strip() or None


def changed(paths: list[str], base: str | None) -> list[str]:
    """Those of ``paths`` changed since ``base`` (all of them without a base)."""
    if base is None:
        return paths
    diff = subprocess.run(
        ["git", "diff", "--name-only", base, "HEAD", "--", *paths],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return [path for path in paths if path in diff.stdout.split()]


def module(path: str) -> str:
    """``exchange/importing/plan.py`` → ``exchange.importing.plan``."""
    return path.removesuffix(".py").replace("/", ".")


def first_mutant(path: str) -> str:
    """A mutant name that exists whatever the code: the first of the first function."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    return f"{module(path)}.x_{functions[0]}__mutmut_1"


def mutmut(*args: str, timeout: float | None = None) -> int:
    """Run mutmut as the Makefile says; the exit status (124 when out of time)."""
    command = [*shlex.split(_env("MUTMUT", "mutmut")), *args]
    env = {**os.environ, "HYPOTHESIS_PROFILE": "mutate"}
    try:
        return subprocess.run(command, cwd=ROOT, env=env, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        print(f"mutation guard: out of time after {timeout:.0f} s; scoring what was checked")
        return 124


def all_mutants(modules: list[str]) -> list[str]:
    """Every mutant name of ``modules``, as ``mutmut results`` lists them."""
    command = [*shlex.split(_env("MUTMUT", "mutmut")), "results", "--all", "true"]
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    names = (line.strip().rsplit(": ", 1)[0] for line in out.splitlines() if ": " in line)
    return sorted(name for name in names if name.startswith(tuple(f"{m}." for m in modules)))


def main() -> int:
    base = last_release()
    paths = changed(mutated_paths(), base)
    since = f"since {base}" if base else "(no release yet: every mutated module)"
    print(f"mutation guard: {len(paths)} module(s) changed {since}")
    if not paths:
        return 0
    children = _env("MUTATE_CHILDREN", "2")
    started = time.monotonic()
    mutmut("run", "--max-children", children, first_mutant(paths[0]))  # mutants and stats
    names = all_mutants([module(path) for path in paths])
    seed = int(_env("MUTATE_SEED", "19"))
    rng = random.Random(seed)
    sample = sorted(rng.sample(names, min(int(_env("MUTATE_SAMPLE", "100")), len(names))))
    listed = ROOT / "mutants" / "guard-sample.txt"
    listed.write_text("\n".join(sample) + "\n", encoding="utf-8")
    budget = float(_env("MUTATE_BUDGET", "600"))
    mutmut("run", "--max-children", children, *sample, timeout=budget)
    print(
        f"mutation guard: {len(sample)} of {len(names)} mutants, seed {seed}, "
        f"{time.monotonic() - started:.0f} s"
    )
    target = _env("MUTATE_TARGET", "90")
    score = [sys.executable, str(SCORE), "--only", str(listed), "--at-least", target]
    return subprocess.run(score, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
