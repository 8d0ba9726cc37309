"""How fast the synthetic application generator writes its CSV files, run on demand.

    .venv/bin/python benchmarks/generate_applications.py --count 100000

Writes the interchange and truth CSVs to a temporary directory (deleted afterwards) so disk writes are
counted, then prints throughput, peak memory and what a million applications would take.
"""

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evac.demo.generator import generate, write_csv  # after the path is set

TARGET = 1_000_000
TARGET_SECONDS = 600


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duplicate-rate", type=float, default=0.15)
    parser.add_argument("--keep", metavar="DIR", help="write the files here and keep them")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        out_path, truth_path = folder / "applications.csv", folder / "truth.csv"
        started = time.perf_counter()
        with (
            out_path.open("w", encoding="utf-8", newline="") as out,
            truth_path.open("w", encoding="utf-8", newline="") as truth,
        ):
            applications = generate(args.count, args.seed, duplicate_rate=args.duplicate_rate)
            count, rows = write_csv(applications, out, truth)
        elapsed = time.perf_counter() - started
        size = out_path.stat().st_size + truth_path.stat().st_size

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    per_second = count / elapsed
    projected = TARGET / per_second
    print(f"applications      {count:,}")
    print(f"rows              {rows:,} ({rows / max(count, 1):.2f} per application)")
    print(f"elapsed           {elapsed:.1f} s")
    print(f"applications/s    {per_second:,.0f}")
    print(f"rows/s            {rows / elapsed:,.0f}")
    print(f"output            {size / 2**20:,.1f} MiB")
    print(f"peak RSS          {peak_mib:,.0f} MiB")
    verdict = "within" if projected <= TARGET_SECONDS else "OVER"
    print(
        f"1,000,000 apps    ~{projected:,.0f} s (~{projected / 60:.1f} min, {verdict} the "
        f"{TARGET_SECONDS // 60} min target), ~{size * TARGET / max(count, 1) / 2**30:.1f} GiB"
    )


if __name__ == "__main__":
    main()
