#!/usr/bin/env python3
"""Helpers of Scripts/link-order.sh: which pages of a file are in the page cache, and which functions of
an executable lie on the code pages a run touched.

  link_order.py drop FILE             sync, then drop FILE's pages from the page cache
  link_order.py incore FILE           the numbers of FILE's 4 KiB pages in the page cache (mincore)
  link_order.py functions BIN PAGES [SEEN]
                                      the names of BIN's functions on those pages (a file of page
                                      numbers, as `incore` prints them), in address order, one a line;
                                      names in the file SEEN are left out

With readahead off and the file dropped first, the page cache holds exactly the pages a run read, so a
function on such a page may have run; one off every such page did not.
"""
import ctypes
import os
import subprocess
import sys

PAGE = 4096


def drop(path):
    os.sync()
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def incore(path):
    fd = os.open(path, os.O_RDONLY)
    size = os.fstat(fd).st_size
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    addr = libc.mmap(None, size, 1, 1, fd, 0)  # PROT_READ, MAP_SHARED
    os.close(fd)
    if addr in (None, ctypes.c_void_p(-1).value):
        sys.exit(f"link_order.py: cannot map {path}")
    pages = (size + PAGE - 1) // PAGE
    vec = (ctypes.c_ubyte * pages)()
    if libc.mincore(ctypes.c_void_p(addr), size, vec) != 0:
        sys.exit(f"link_order.py: mincore failed on {path}: errno {ctypes.get_errno()}")
    libc.munmap(ctypes.c_void_p(addr), size)
    return [i for i in range(pages) if vec[i] & 1]


def executable_pages(binary, file_pages):
    """File page numbers -> virtual page numbers of the executable LOAD segment."""
    segments = []
    out = subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        p = line.split()
        if p and p[0] == "LOAD" and "E" in "".join(p[6:]):
            segments.append((int(p[1], 16), int(p[2], 16), int(p[4], 16)))
    touched = set()
    for page in file_pages:
        offset = page * PAGE
        for file_offset, vaddr, size in segments:
            if file_offset <= offset < file_offset + size:
                touched.add((offset - file_offset + vaddr) // PAGE)
    return touched


def functions(binary, file_pages, seen=()):
    touched = executable_pages(binary, file_pages)
    out = subprocess.run(["nm", "-S", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        p = line.split()
        if len(p) != 4 or p[2] not in "tTWw":
            continue
        start, size = int(p[0], 16), int(p[1], 16)
        if size == 0:
            continue
        if any(page in touched for page in range(start // PAGE, (start + size - 1) // PAGE + 1)):
            found.append((start, p[3]))
    found.sort()
    skip = set(seen)
    names = []
    for _, name in found:
        if name not in skip:
            skip.add(name)
            names.append(name)
    return names


def main(argv):
    if len(argv) >= 2 and argv[0] == "drop":
        drop(argv[1])
    elif len(argv) >= 2 and argv[0] == "incore":
        print(" ".join(str(p) for p in incore(argv[1])))
    elif len(argv) >= 3 and argv[0] == "functions":
        with open(argv[2]) as f:
            pages = [int(x) for x in f.read().split()]
        seen = []
        if len(argv) >= 4:
            with open(argv[3]) as f:
                seen = [line.strip() for line in f if line.strip()]
        for name in functions(argv[1], pages, seen):
            print(name)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
