#!/usr/bin/env python3
"""Seconds this VM takes to touch fresh memory: map N MB (default 1024) and write one byte per
4 KiB page. On a VM whose guest hands freed memory back to its host (virtio-balloon free page
reporting, with DAMON paging cold page cache out), each first touch is a host fault, and the
cost swings with the host: 0.5 s to 3.9 s per GB in the thirteenth session, minutes apart. A
1M-row `run` touches about 1.5 GB of heap plus its output files, so its time swings with it
(docs/run.md). Run it beside `bench/ab.sh` to know which mood a measurement was taken in.
Usage: bench/touch.py [MB] [ROUNDS] [PAUSE_SECONDS]"""
import mmap
import sys
import time


def touch(mb: int) -> float:
    size = mb << 20
    t = time.perf_counter()
    m = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    for at in range(0, size, 4096):
        m[at] = 1
    secs = time.perf_counter() - t
    m.close()
    return secs


def main() -> None:
    mb = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    pause = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    for k in range(rounds):
        if k:
            time.sleep(pause)
        secs = touch(mb)
        print(f"{mb} MB touched in {secs:.2f} s ({secs * 1024 / mb:.2f} s per GB)", flush=True)


if __name__ == "__main__":
    main()
