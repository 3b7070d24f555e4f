#!/usr/bin/env python3
"""Copy every regular file of SOURCE into a new folder TARGET, fsyncing each copy.

This is the physical reference for per-file durability: each output is on disk
before the next file starts, as Baton's worker does, and TARGET is fsynced once
at the end so that the names are durable too. Plain `cp -r` followed by `sync`
makes everything durable once, at the end, which is cheaper.
"""

import os
import sys


def copy_with_fsync(source: str, target: str) -> int:
    """Copy the files of source into target and return how many were copied."""
    os.mkdir(target)
    count = 0
    with os.scandir(source) as entries:
        for entry in entries:
            if not entry.is_file(follow_symlinks=False):
                continue
            with open(entry.path, "rb") as src, open(os.path.join(target, entry.name), "xb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
                dst.flush()
                os.fsync(dst.fileno())
            count += 1
    folder = os.open(target, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return count


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: copy_fsync.py SOURCE TARGET (TARGET must not exist)", file=sys.stderr)
        return 2
    copy_with_fsync(sys.argv[1], sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
