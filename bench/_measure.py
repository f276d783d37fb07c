"""What the benchmarks in ``bench/`` share: measuring a section, running a side, printing.

A benchmark runs each side (the library, the raw baseline) in a fresh process of its
own, so that the side's peak memory is its own. Inside that process the measured
section is wrapped in :class:`Section`, which takes

* wall time (``time.perf_counter``);
* CPU time: user + system of the process and of its waited-for children
  (``resource.getrusage``), which stays steady on a busy machine where wall time
  does not;
* optionally the CPU time of the PostgreSQL server backends serving the side's
  connections, read from ``/proc/<pid>/stat`` (the server must be local; when it is
  not, the server's share is reported as unavailable).

The side ends with :func:`emit`, one JSON line on stdout, which the parent reads back
with :func:`run_side` as a :class:`Side`. :func:`ratio` compares two sides on wall and
on CPU (client + server), and :func:`print_table` prints the closing summary.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
"""Clock ticks per second, the unit of the CPU times in ``/proc/<pid>/stat``."""

Backends = Callable[[], Iterable[int]]
"""Lists the pids of the PostgreSQL backends whose CPU time a section counts."""


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its waited-for children so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_mb() -> float:
    """The peak resident memory of this process so far, in MB (Linux counts KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of the local PostgreSQL process ``pid``, else ``None``."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name, _, rest = stat.partition("(")[2].rpartition(")")
    if not name.startswith("postgres"):
        return None  # not a server process here: the server is on another machine
    fields = rest.split()  # fields[0] is the state, field 3 of proc(5)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime: fields 14, 15


def backends_cpu(pids: Iterable[int]) -> dict[int, float]:
    """The CPU seconds so far of each of ``pids`` that is a readable server process."""
    found = {pid: process_cpu(pid) for pid in pids}
    return {pid: cpu for pid, cpu in found.items() if cpu is not None}


def backend_pid(conn: Any) -> int:
    """The pid of the server backend serving the psycopg connection ``conn``."""
    return int(conn.execute("SELECT pg_backend_pid()").fetchone()[0])


def backends_named(probe: Any, application_name: str) -> Backends:
    """Lists the backends of the connections named ``application_name`` (a pool's, say).

    ``probe`` is a psycopg connection of its own (named otherwise), opened by the caller
    outside the measured section, on which the listing runs.
    """

    def pids() -> list[int]:
        query = "SELECT pid FROM pg_stat_activity WHERE application_name = %s"
        return [pid for (pid,) in probe.execute(query, (application_name,)).fetchall()]

    return pids


@dataclass
class Section:
    """Wall, CPU and (optionally) PostgreSQL backend CPU seconds of a ``with`` block.

    ``backends`` is called on entry and on exit; a backend that appears meanwhile
    counts from its start, one that ends before the exit is not counted.
    """

    backends: Backends | None = None
    wall: float = 0.0
    cpu: float = 0.0
    server_cpu: float | None = None
    _start: tuple[float, float] = field(default=(0.0, 0.0), init=False, repr=False)
    _server_start: dict[int, float] = field(default_factory=dict, init=False, repr=False)

    def __enter__(self) -> Section:
        if self.backends is not None:
            self._server_start = backends_cpu(self.backends())
        self._start = (time.perf_counter(), cpu_seconds())
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.wall = time.perf_counter() - self._start[0]
        self.cpu = cpu_seconds() - self._start[1]
        if self.backends is not None:
            after = backends_cpu(self.backends())
            spent = (cpu - self._server_start.get(pid, 0.0) for pid, cpu in after.items())
            self.server_cpu = sum(spent) if after else None


def best(sections: Sequence[Section]) -> Section:
    """One section made of the least wall and the least CPU time among ``sections``."""
    servers = [s.server_cpu for s in sections if s.server_cpu is not None]
    return Section(
        wall=min(s.wall for s in sections),
        cpu=min(s.cpu for s in sections),
        server_cpu=min(servers) if servers else None,
    )


def best_of(repeat: int, work: Callable[[], T]) -> tuple[Section, T]:
    """Run ``work`` ``repeat`` times, each in a :class:`Section`: the :func:`best`
    figures and the last run's result."""
    sections = []
    for _ in range(repeat):
        with Section() as section:
            result = work()
        sections.append(section)
    return best(sections), result


def emit(section: Section, **extra: Any) -> None:
    """Print a side's figures (the section's, the process's peak RSS) as one JSON line."""
    figures = {"wall": section.wall, "cpu": section.cpu, "server_cpu": section.server_cpu}
    print(json.dumps({**figures, "peak_mb": peak_rss_mb(), "extra": extra}), flush=True)


@dataclass(frozen=True)
class Side:
    """One side's figures, as its process reported them."""

    name: str
    wall: float
    cpu: float
    peak_mb: float
    server_cpu: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def total_cpu(self) -> float:
        """CPU seconds of the process and, when measured, of its server backends."""
        return self.cpu + (self.server_cpu or 0.0)

    def line(self, rows: int | None = None, server: bool = False) -> str:
        """One line: wall, CPU (and server CPU if ``server``), rows a second if given, RSS."""
        text = f"{self.name:9} wall {self.wall:8.3f} s  cpu {self.cpu:8.3f} s"
        if server:
            shown = "     n/a" if self.server_cpu is None else f"{self.server_cpu:8.3f}"
            text += f" + server {shown} s"
        if rows:
            text += f"  {rows / self.wall:10,.0f} rows/s"
        return text + f"  peak RSS {self.peak_mb:5.0f} MB"


def run_side(name: str, command: Sequence[str], env: Mapping[str, str] | None = None) -> Side:
    """Run ``command`` (one side, ending with :func:`emit`) and read its figures.

    Its stderr passes through; the last line of its stdout is the JSON.
    """
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, env=env).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    return Side(name=name, **figures)


def run_script(script: str, name: str, *args: object) -> Side:
    """Run ``python script --child name *args`` as side ``name``."""
    return run_side(name, [sys.executable, script, "--child", name, *map(str, args)])


def run_sides(
    script: str, names: Sequence[str], *args: object, rows: int | None = None, server: bool = False
) -> list[Side]:
    """Run ``script``'s sides ``names`` in turn (:func:`run_script` with ``args``), printing
    each one's :meth:`Side.line` as it ends; the sides, in order."""
    sides = []
    for name in names:
        sides.append(run_script(script, name, *args))
        print(sides[-1].line(rows, server=server), flush=True)
    return sides


def time_process(name: str, command: Sequence[str]) -> Side:
    """Run ``command`` to its end, output discarded, as side ``name``: its wall time, and
    its own CPU time and peak RSS as the kernel gives them to ``os.wait4``."""
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, list(command))
    return Side(name, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median(name: str, sides: Sequence[Side]) -> Side:
    """Side ``name`` made of the medians of the wall, CPU and peak RSS of ``sides``."""
    return Side(
        name,
        wall=statistics.median(s.wall for s in sides),
        cpu=statistics.median(s.cpu for s in sides),
        peak_mb=statistics.median(s.peak_mb for s in sides),
    )


@dataclass(frozen=True)
class Ratio:
    """Two sides compared on wall time and on CPU time, in the benchmark's direction."""

    wall: float
    cpu: float

    def label(self, prefix: str = "") -> str:
        """``ratio_wall=0.41 ratio_cpu=0.52``, the names prefixed with ``prefix``."""
        return f"{prefix}ratio_wall={self.wall:.2f} {prefix}ratio_cpu={self.cpu:.2f}"


def _divide(top: float, bottom: float) -> float:
    return top / bottom if bottom else float("nan")


def ratio(top: Side, bottom: Side) -> Ratio:
    """``top ÷ bottom`` on wall seconds and on CPU seconds (server backends included)."""
    return Ratio(_divide(top.wall, bottom.wall), _divide(top.total_cpu, bottom.total_cpu))


def positive(text: str) -> int:
    """An argparse type: a whole number above zero (``1_000_000`` allowed)."""
    value = int(text.replace(",", ""))
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not above zero")
    return value


def add_sizes(
    parser: argparse.ArgumentParser, default: Sequence[int], flag: str = "--rows"
) -> None:
    """Add ``flag N [N ...]``, the sizes to run, ``default`` by default."""
    shown = " ".join(str(n) for n in default)
    parser.add_argument(
        flag,
        type=positive,
        nargs="+",
        default=list(default),
        metavar="N",
        help=f"the sizes to run, one block each (default: {shown})",
    )


def heading(text: str) -> None:
    """Print the heading of one size's block."""
    print(f"\n== {text}", flush=True)


def print_table(rows: Sequence[Mapping[str, object]]) -> None:
    """Print ``rows`` (same keys, in order) as an aligned table under a ``summary`` line."""
    if not rows:
        return
    names = list(rows[0])
    cells = [[_cell(row[name]) for name in names] for row in rows]
    widths = [max(len(name), *(len(line[i]) for line in cells)) for i, name in enumerate(names)]
    print("\n== summary")
    print("  ".join(name.rjust(width) for name, width in zip(names, widths, strict=True)))
    for line in cells:
        print("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def summary_row(
    size: int, ratios: Mapping[str, Ratio], sides: Sequence[Side], unit: str = "rows"
) -> dict[str, object]:
    """A summary row: the size (named ``unit``), each ratio on wall and on CPU (named
    with the ratio's key as prefix), each side's peak RSS in MB."""
    row: dict[str, object] = {unit: size}
    for prefix, each in ratios.items():
        row[f"{prefix}ratio_wall"] = each.wall
        row[f"{prefix}ratio_cpu"] = each.cpu
    for side in sides:
        row[f"rss_{side.name.replace('-', '_')}_mb"] = f"{side.peak_mb:.0f}"
    return row
