#!/usr/bin/env python3
"""Key -> screen latency of the layer view on a big image.

    python3 Benchmarks/layerkeys.py --swtop .build/release/swtop --host unix:///path/docker.sock \
        --image swtop/bigstack:latest [--runs 3]

Starts `swtop layers IMAGE --tui` in a tmux pane of its own (160x45, its own socket, an empty
XDG_CACHE_HOME), waits for the analysis, then sends a fixed walk of keys (whole image, every
directory open, paging, filter, sort, switching layers) and times each from send-keys to the first
change of the pane (capture-pane -e, so a cursor that only changes colour counts). Keys chosen so that
each one changes the screen. Prints each key's median over --runs walks, in milliseconds.
The tmux polling itself takes ~2-4 ms, which is included.
"""
import argparse, os, statistics, subprocess, tempfile, time

WALK = [
    ("G", "stack: last layer"),
    ("a", "tree: whole image at the last layer (built)"),
    ("k", "previous layer, whole image rebuilt"),
    ("j", "next layer again (kept)"),
    ("Tab", "focus the tree"),
    ("z", "open every directory"),
    ("PageDown", "page down"),
    ("j", "cursor down"),
    ("G", "last row"),
    ("g", "first row"),
    ("o", "sort by size"),
    ("o", "sort by name"),
    ("/", "filter prompt"),
    ("d", "filter as typed: d"),
    ("Enter", "keep the filter"),
    ("Escape", "clear the filter"),
    ("c", "only this layer's changes"),
    ("c", "everything again"),
    ("z", "close every directory"),
    ("Tab", "focus the stack"),
    ("a", "tree: the layer's own changes"),
    ("g", "base layer"),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--swtop", default=".build/release/swtop")
    ap.add_argument("--host", required=True)
    ap.add_argument("--image", default="swtop/bigstack:latest")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    socket = tempfile.mktemp(prefix="swtop-layerkeys-")
    cache = tempfile.mkdtemp(prefix="swtop-layerkeys-cache-")

    def tmux(*a, capture=False):
        r = subprocess.run(["tmux", "-S", socket, *a], capture_output=True, text=True)
        return r.stdout

    def screen():
        return tmux("capture-pane", "-e", "-p", "-t", "k", capture=True)

    results = {i: [] for i in range(len(WALK))}
    try:
        for run in range(args.runs):
            tmux("kill-server")
            cmd = (f"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_CACHE_HOME={cache} "
                   f"{os.path.abspath(args.swtop)} -H {args.host} layers {args.image} --tui; sleep 600")
            tmux("-f", "/dev/null", "new-session", "-d", "-s", "k", "-x", "160", "-y", "45", cmd)
            deadline = time.monotonic() + 120
            while "Inefficient files" not in screen() and "No file is stored" not in screen():
                if time.monotonic() > deadline:
                    raise SystemExit("the analysis never showed:\n" + screen())
                time.sleep(0.05)
            time.sleep(0.5)
            for i, (key, _) in enumerate(WALK):
                before = screen()
                start = time.monotonic()
                tmux("send-keys", "-t", "k", key)
                while screen() == before:
                    if time.monotonic() - start > 5:
                        break
                results[i].append((time.monotonic() - start) * 1000)
                time.sleep(0.25)
    finally:
        tmux("kill-server")
    print(f"| key | what | median ms (of {args.runs}) | max ms |")
    print("|---|---|---|---|")
    for i, (key, what) in enumerate(WALK):
        values = results[i]
        flag = " (no change seen within 5 s)" if max(values) >= 5000 else ""
        print(f"| `{key}` | {what}{flag} | {statistics.median(values):.0f} | {max(values):.0f} |")


if __name__ == "__main__":
    main()
