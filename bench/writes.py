#!/usr/bin/env python3
"""System CPU this machine spends writing one new file, by the size of each `write` call.

On ext4 with large folios the page cache is given folios as large as the write; on this
workplace's VMs (Firecracker, freed guest memory handed back to the host) large ones cost far
more, most likely because they are fresh host memory. In the fourteenth session 122 MB written in one call took 0.67-1.26 s of system
CPU, in 64 KiB calls 0.03-0.06 s, in 8 KiB calls 0.07-0.22 s; calls of 512 KiB-2 MiB were fast
in one minute and as slow as one call in the next. This is why `output::MAX_WRITE` exists.
Usage: bench/writes.py [DIR] [MB]   (DIR: where outputs go, default /tmp; MB default 122)"""
import os
import resource
import sys
import tempfile
import time


def write_file(directory: str, data: memoryview, chunk: int) -> tuple[float, float]:
    """Wall and system seconds to write `data` to a new file in `chunk`-byte calls."""
    fd, path = tempfile.mkstemp(dir=directory, prefix=".writes-")
    try:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_stime
        t = time.perf_counter()
        at = 0
        while at < len(data):
            at += os.write(fd, data[at : at + chunk])
        os.close(fd)
        wall = time.perf_counter() - t
        return wall, resource.getrusage(resource.RUSAGE_SELF).ru_stime - before
    finally:
        os.unlink(path)


def main() -> None:
    directory = sys.argv[1] if len(sys.argv) > 1 else "/tmp"
    mb = int(sys.argv[2]) if len(sys.argv) > 2 else 122
    # Touched before timing: the source is warm memory, as a rendered file is.
    data = memoryview(bytearray(os.urandom(1 << 20)) * mb)
    chunks = [len(data), 2 << 20, 1 << 20, 256 << 10, 64 << 10, 8 << 10]
    for rnd in range(2):
        for chunk in chunks:
            time.sleep(2)
            wall, sys_cpu = write_file(directory, data, chunk)
            label = "one call" if chunk == len(data) else f"{chunk >> 10} KiB calls"
            print(f"round {rnd + 1}: {mb} MB in {label:>14}: wall {wall:.3f} s, system CPU {sys_cpu:.3f} s")


if __name__ == "__main__":
    main()
