"""``python -m bench.synthetic``: write one corpus (bench.synthetic.corpus.generate) and print its counts."""

from __future__ import annotations
import argparse
import json
import sys
from pathlib import Path
from bench import synthetic
from bench.synthetic.corpus import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synthetic", description=synthetic.__doc__.split("\n\n")[0])
    parser.add_argument("--municipalities", "-n", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.municipalities < 1:
        parser.error("--municipalities must be at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    manifest = generate(args.municipalities, args.seed, args.out)
    print(json.dumps({k: manifest[k] for k in ("municipalities", "documents", "total_records", "source_bytes")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
