"""How long ``exchange --help`` takes, against ``python -c "import click"``.

Both run as fresh processes, interleaved, ``--repeat`` times each; the medians
are compared. Prints ``ratio=<exchange --help ÷ import click>``; target < 1.5.
Plugins and the library load only when a command needs them, which keeps the
help fast.

    python bench/cli_help.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    exchange = str(Path(sys.executable).parent / "exchange")
    baseline: list[float] = []
    ours: list[float] = []
    for _ in range(args.repeat):
        baseline.append(_time([sys.executable, "-c", "import click"]))
        ours.append(_time([exchange, "--help"]))
    click_s, help_s = statistics.median(baseline), statistics.median(ours)
    print(f"import click: {click_s * 1000:.1f} ms   exchange --help: {help_s * 1000:.1f} ms")
    print(f"ratio={help_s / click_s:.2f}")


if __name__ == "__main__":
    main()
