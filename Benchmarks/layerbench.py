#!/usr/bin/env python3
"""The image and the measurements of Benchmarks/layers.sh, the layer benchmark (swtop layers vs dive).
layers.sh starts the engine, builds (or loads) the image and holds the locks; this file does the rest.

  layerbench.py recipe
      the recipe id: a hash of the generator below and the Dockerfile it writes (the image's label
      swtop.bench.recipe; a changed recipe means a new image)
  layerbench.py context DIR
      writes the build context of swtop/bigstack: DIR/Dockerfile and one tar per ADD layer, the file
      contents from a seeded PRNG (incompressible, the same bytes every time)
  layerbench.py stats --image REF [--docker-host unix://S]
      size, layers and files of the built image (docker image inspect, docker history, a container
      that counts the regular files); JSON on stdout
  layerbench.py measure --image REF --docker-host unix://S --dive BIN --swtop BIN --out DIR
                        [--runs 3] [--warmup 1] [--no-export] [--no-swtop]
      the runs, the tools alternating (see MODES); JSON on stdout
  layerbench.py table RESULT.json [STATS.json]
      the markdown table

Every run is one child process timed from outside: wall = time.monotonic() just before the fork to
just after wait4() reaps it; peak RSS = that wait4()'s ru_maxrss (the child's own peak, the kernel's
accounting; the largest of the processes it waited for, not a sum); CPU = ru_utime + ru_stime.
"""
import argparse
import hashlib
import inspect
import io
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench import CLK_TCK, engine_delta, engine_sample  # noqa: E402  (the engine's CPU from /proc)
DOCKER_CLI = os.environ.get("SWTOP_DOCKER_CLI", "/usr/bin/docker")
MB = 1e6
MTIME = 1700000000  # every ADDed file's mtime: the layer tars are byte-for-byte the same every time


def log(msg):
    sys.stderr.write(f"[layers] {msg}\n")
    sys.stderr.flush()


# ---------------------------------------------------------------------------------------------
# the image: swtop/bigstack
#
# 12 layers on swtop/busybox (1 + 11), ~590 MB, ~54,000 regular files in the final tree; the waste
# (so that efficiency is below 1.0) is of the kinds both tools have to get right: files overwritten
# by a later layer, a metadata-only change (chmod copies the files up), deleted files and a deleted
# directory (whiteouts), a directory removed and made again in one step (an opaque directory), a
# hard link and a symbolic link.

SEED = 20261129

# name -> (tar layout, in build order). Sizes in bytes, drawn uniformly from [lo, hi].
TREES = [
    # 28 directories x 1,000 files of 200 B..3 KB: ~45 MB
    ("small", [("data/small/d{d:02d}/f{f:04d}", 28, 1000, 200, 3000)]),
    # 16 directories x 1,000 files of 1..12 KiB: ~107 MB
    ("docs", [("data/docs/d{d:02d}/doc{f:04d}.txt", 16, 1000, 1024, 12288)]),
    # 12 media files of 12..28 MB: ~240 MB
    ("media", [("data/media/m{f:02d}", 1, 12, 12_000_000, 28_000_000)]),
    # a 3-level tree, 6 x 10 x 10 directories x 10 files of 2..32 KiB: ~103 MB
    ("lib", [("usr/lib/bench/p{a}/q{b}/r{c}/mod{f:02d}.so", 600, 10, 2048, 32768)]),
    # the app: 15 directories x 100 files of 1..8 KiB, one 8 MB binary: ~15 MB
    ("app", [("opt/app/res{d:02d}/r{f:03d}.dat", 15, 100, 1024, 8192),
                 ("opt/app/bin/app", 1, 1, 8_000_000, 8_000_000)]),
    # overwrites: new bytes at paths of earlier layers (m00 and d00's 1,000 small files)
    ("patch", [("data/media/m00", 1, 1, 14_000_000, 14_000_000),
                   ("data/small/d00/f{f:04d}", 1, 1000, 200, 3000)]),
    # a late layer: 4,000 web files of 2..18 KiB: ~41 MB
    ("www", [("srv/www/s{d:02d}/page{f:03d}.html", 20, 200, 2048, 18432)]),
]

DOCKERFILE = """\
FROM swtop/busybox:latest
LABEL swtop.bench.image=bigstack swtop.bench.recipe={recipe}
ADD small.tar /
ADD docs.tar /
ADD media.tar /
ADD lib.tar /
ADD app.tar /
ADD patch.tar /
RUN chmod 0600 /data/docs/d00/*
RUN rm -f /data/media/m02 && rm -rf /data/docs/d15 && rm -f /data/small/d25/f0[0-4]*
RUN rm -rf /opt/app && mkdir -p /opt/app/bin /opt/app/res00 \\
 && head -c 6000000 /dev/urandom > /opt/app/bin/app \\
 && for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do \\
      head -c 8192 /dev/urandom > /opt/app/res00/r$i.dat; done
ADD www.tar /
RUN head -c 1000000 /dev/urandom > /srv/www/blob \\
 && ln /srv/www/blob /srv/www/blob.hardlink && ln -s ../media/m03 /data/small/m03.link
WORKDIR /srv/www
CMD ["sh"]
"""


def tree_paths(pattern, dirs, files):
    # {d} numbers the directories, {f} the files in each; {a}/{b}/{c} are d's digits (a 3-level tree)
    for d in range(dirs):
        for f in range(files):
            yield pattern.format(d=d, f=f, a=d // 100, b=d // 10 % 10, c=d % 10)


def recipe_id():
    text = inspect.getsource(tree_paths) + inspect.getsource(write_layer_tar) + repr(TREES) + DOCKERFILE
    text += f"{SEED} {MTIME}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def write_layer_tar(path, layout, rng):
    dirs_done = set()
    files = size = 0
    with tarfile.open(path, "w", format=tarfile.GNU_FORMAT) as tar:
        for pattern, ndirs, nfiles, lo, hi in layout:
            for p in tree_paths(pattern, ndirs, nfiles):
                parts = p.split("/")
                for i in range(1, len(parts)):
                    d = "/".join(parts[:i])
                    if d not in dirs_done:
                        dirs_done.add(d)
                        ti = tarfile.TarInfo(d)
                        ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, MTIME
                        tar.addfile(ti)
                n = rng.randint(lo, hi)
                ti = tarfile.TarInfo(p)
                ti.size, ti.mode, ti.mtime = n, 0o644, MTIME
                tar.addfile(ti, io.BytesIO(rng.randbytes(n)))
                files += 1
                size += n
    return files, size


def cmd_recipe(a):
    print(recipe_id())


def cmd_context(a):
    os.makedirs(a.dir, exist_ok=True)
    rng = random.Random(SEED)
    total_files = total_bytes = 0
    for name, layout in TREES:
        files, size = write_layer_tar(os.path.join(a.dir, name + ".tar"), layout, rng)
        log(f"context: {name}.tar {files:,} files, {size / MB:,.1f} MB")
        total_files += files
        total_bytes += size
    with open(os.path.join(a.dir, "Dockerfile"), "w") as f:
        f.write(DOCKERFILE.format(recipe=recipe_id()))
    log(f"context: {total_files:,} files, {total_bytes / MB:,.1f} MB in {len(TREES)} tars")


def docker(a, *args, timeout=600):
    env = dict(os.environ, DOCKER_HOST=a.docker_host)
    if a.docker_config:
        env["DOCKER_CONFIG"] = a.docker_config
    r = subprocess.run([DOCKER_CLI] + list(args), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=timeout)
    if r.returncode != 0:
        raise SystemExit(f"docker {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def cmd_stats(a):
    info = json.loads(docker(a, "image", "inspect", a.image))[0]
    hist = []
    for line in docker(a, "history", "--no-trunc", "--human=false", "--format", "{{json .}}", a.image).splitlines():
        h = json.loads(line)
        size = h.get("Size", "")
        hist.append({"size_bytes": int(size) if str(size).isdigit() else size,
                     "created_by": h.get("CreatedBy", "")[:120]})
    # Regular files and all entries of the final tree (-xdev: not /proc, /sys, /dev; the three
    # files the engine bind-mounts into /etc are counted, they are entries of the image's /etc too).
    count = docker(a, "run", "--rm", "--network", "none", a.image, "sh", "-c",
                   "find / -xdev -type f | wc -l; find / -xdev | wc -l; du -sx / | cut -f1")
    regular, entries, du_kb = (int(x) for x in count.split())
    out = {
        "image": a.image,
        "id": info["Id"],
        "recipe": info["Config"].get("Labels", {}).get("swtop.bench.recipe"),
        "size_bytes": info["Size"],
        "layers": len(info["RootFS"]["Layers"]),
        "history_entries": len(hist),
        "history": hist,
        "final_regular_files": regular,
        "final_entries": entries,
        "final_du_kb": du_kb,
        "driver": info.get("GraphDriver", {}).get("Name"),
    }
    json.dump(out, sys.stdout, indent=1)
    print()


# ---------------------------------------------------------------------------------------------
# the runs

# mode -> (tool, description). The order within a round is MODES' order, reversed every other round.
MODES = [
    ("dive", "dive", "dive --ci IMAGE (no cache: every run exports the image)"),
    ("swtop-cold", "swtop", "swtop layers IMAGE --ci, empty XDG_CACHE_HOME"),
    ("swtop-warm", "swtop", "swtop layers IMAGE --ci again, the cache of the cold run"),
    ("swtop-export", "swtop", "swtop layers IMAGE --ci --source export, empty XDG_CACHE_HOME"),
]

ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# dive prints "efficiency: 97.1234 %", "wastedBytes: 123 bytes (123 B)", "userWastedPercent: 1.2345 %"
# and "Result:PASS ..." / "Result:FAIL ...". swtop layers --ci is read with the same patterns
# (case, blanks and a thousands separator in the byte count do not matter).
FIG_RES = {
    "efficiency_pct": re.compile(r"^\s*efficiency\s*:\s*([0-9.]+|NaN)\s*%", re.I | re.M),
    "wasted_bytes": re.compile(r"^\s*wasted\s*_?\s*bytes\s*:\s*([0-9][0-9,_ ]*)\s*(?:bytes|B)?\b", re.I | re.M),
    "user_wasted_pct": re.compile(r"^\s*user\s*_?\s*wasted\s*_?\s*percent\s*:\s*([0-9.]+|NaN)\s*%", re.I | re.M),
    "verdict": re.compile(r"^\s*Result\s*:\s*(PASS|FAIL|WARN)\b", re.I | re.M),
}


def parse_figures(text):
    text = ANSI_RE.sub("", text)
    out = {}
    for key, rx in FIG_RES.items():
        m = rx.search(text)
        if not m:
            continue
        v = m.group(1)
        if key == "wasted_bytes":
            out[key] = int(re.sub(r"[^0-9]", "", v))
        elif key == "verdict":
            out[key] = v.upper()
        else:
            out[key] = None if v.lower() == "nan" else float(v)
    return out


def run_once(cmd, env, cwd, stdout_path, timeout):
    """One child, timed from outside: wall, ru_maxrss, CPU, exit code."""
    with open(stdout_path, "wb") as out:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=subprocess.STDOUT, start_new_session=True)
        deadline = t0 + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                os.killpg(p.pid, 9)
                pid, status, ru = os.wait4(p.pid, 0)
                p.returncode = -9
                return {"error": f"timed out after {timeout} s", "wall_s": time.monotonic() - t0}
            time.sleep(0.002)
        wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": wall, "maxrss_bytes": ru.ru_maxrss * 1024, "cpu_s": ru.ru_utime + ru.ru_stime,
            "user_s": ru.ru_utime, "sys_s": ru.ru_stime, "exit": p.returncode}


def cmd_measure(a):
    out_dir = os.path.abspath(a.out)
    runs_dir = os.path.join(out_dir, "runs")
    os.makedirs(runs_dir, exist_ok=True)
    # An empty cwd and HOME for every run: no .dive-ci, no ~/.dive.yaml, no swtop config is read.
    home = tempfile.mkdtemp(prefix="home.", dir=out_dir)
    base_env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, ".config"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "dumb",
        "DOCKER_HOST": a.docker_host,
    }
    prefix = ["unshare", "-n"] if a.unshare else []
    modes = [m for m in MODES if not (m[1] == "dive" and a.no_dive) and not (m[1] == "swtop" and a.no_swtop)]
    if a.no_export:
        modes = [m for m in modes if m[0] != "swtop-export"]

    def command(mode, cache):
        env = dict(base_env)
        if mode == "dive":
            return prefix + [a.dive, "--ci", a.image], env
        env["XDG_CACHE_HOME"] = cache
        cmd = prefix + [a.swtop, "layers", a.image, "--ci"]
        if mode == "swtop-export":
            cmd += ["--source", "export"]
        return cmd, env

    results = {m[0]: [] for m in modes}
    warmups = []
    seq = 0

    def one(mode, rnd, cache, record):
        nonlocal seq
        seq += 1
        cmd, env = command(mode, cache)
        tag = f"{seq:02d}-{'warmup' if not record else f'r{rnd}'}-{mode}"
        path = os.path.join(runs_dir, tag + ".out")
        cwd = tempfile.mkdtemp(prefix="cwd.", dir=out_dir)
        before = engine_sample(a.engine_dir) if a.engine_dir else {}
        r = run_once(cmd, env, cwd, path, a.timeout)
        if a.engine_dir:
            r["engine_cpu_s"] = engine_delta(before, engine_sample(a.engine_dir)) / CLK_TCK
        left = os.listdir(cwd)
        shutil.rmtree(cwd, ignore_errors=True)
        with open(path, "rb") as f:
            text = f.read().decode(errors="replace")
        r.update(parse_figures(text), mode=mode, round=rnd, output=os.path.relpath(path, out_dir))
        lines = [x for x in ANSI_RE.sub("", text).splitlines() if x.strip()]
        r["last_line"] = lines[-1].strip()[:200] if lines else ""
        if left:
            r["cwd_left"] = left
        if mode != "dive":
            r["cache_bytes"] = dir_bytes(cache)
        log(f"{tag}: {r.get('wall_s', 0):.2f} s, peak RSS {r.get('maxrss_bytes', 0) / MB:.1f} MB, "
            f"exit {r.get('exit')}, efficiency {r.get('efficiency_pct')} %, wasted {r.get('wasted_bytes')} B, "
            f"user wasted {r.get('user_wasted_pct')} %" + (f" ({r['error']})" if "error" in r else ""))
        (results[mode] if record else warmups).append(r)
        return r

    def round_(rnd, record):
        order = [m[0] for m in modes]
        if rnd % 2 == 0:  # every other round swtop first: neither tool always follows the other
            order = [m for m in order if m != "dive"] + (["dive"] if "dive" in order else [])
        cache = os.path.join(out_dir, "cache", f"{'w' if not record else 'r'}{rnd}-cold")
        export_cache = os.path.join(out_dir, "cache", f"{'w' if not record else 'r'}{rnd}-export")
        for mode in order:
            if mode == "swtop-cold":
                shutil.rmtree(cache, ignore_errors=True)
                os.makedirs(cache)
                one(mode, rnd, cache, record)
            elif mode == "swtop-warm":
                one(mode, rnd, cache, record)  # right after the cold run, its cache
            elif mode == "swtop-export":
                shutil.rmtree(export_cache, ignore_errors=True)
                os.makedirs(export_cache)
                one(mode, rnd, export_cache, record)
            else:
                one(mode, rnd, None, record)

    for w in range(1, a.warmup + 1):
        log(f"warm-up round {w} (not counted: the engine's and the page cache's first reads)")
        round_(w, False)
    for rnd in range(1, a.runs + 1):
        log(f"round {rnd} of {a.runs}")
        round_(rnd, True)

    out = {
        "image": a.image,
        "runs": a.runs,
        "warmup": a.warmup,
        "unshare": a.unshare,
        "modes": {m[0]: {"tool": m[1], "what": m[2]} for m in modes},
        "commands": {m[0]: command(m[0], "$XDG_CACHE_HOME")[0] for m in modes},
        "results": results,
        "warmups": warmups,
    }
    json.dump(out, sys.stdout, indent=1)
    print()


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


# ---------------------------------------------------------------------------------------------
# the table

TARGET_COLD = 0.5  # swtop cold wall <= 0.5 x dive's
TARGET_WARM = 0.1  # swtop warm wall <= 0.1 x dive's
TARGET_RSS = 0.5   # swtop peak RSS <= 0.5 x dive's


def ok_mark(ok):
    return "" if ok is None else (" ✓" if ok else " ✗")


def counted(r):
    """A run counts when it ended by itself with 0 or 1 (dive's exit for a failed rule) and printed
    its figures."""
    return "error" not in r and r.get("exit") in (0, 1) and "efficiency_pct" in r


def summary(runs):
    good = [r for r in runs if counted(r)]
    if not good:
        return None
    walls = [r["wall_s"] for r in good]
    rss = [r["maxrss_bytes"] for r in good]
    cpu = [r["cpu_s"] for r in good]
    eng = [r["engine_cpu_s"] for r in good if "engine_cpu_s" in r]
    return {"n": len(good), "of": len(runs), "wall_min": min(walls), "wall_median": statistics.median(walls),
            "wall_max": max(walls), "rss_max": max(rss), "rss_median": statistics.median(rss),
            "cpu_median": statistics.median(cpu), "engine_cpu_median": statistics.median(eng) if eng else None}


def figures_of(runs):
    """The figures the runs printed: one tuple if every run printed the same, else None."""
    seen = {(r.get("efficiency_pct"), r.get("wasted_bytes"), r.get("user_wasted_pct"), r.get("verdict"))
            for r in runs if counted(r)}
    return seen.pop() if len(seen) == 1 else None


def fmt_pct(v):
    return "–" if v is None else f"{v:.4f} %"


def fmt_s(v):
    return "–" if v is None else f"{v:.2f} s"


def fmt_bytes(v):
    return "–" if v is None else f"{v:,} B ({v / MB:,.1f} MB)"


def agreement(dive_fig, other_fig):
    """'agree' or what differs, comparing what the tools printed (dive prints 4 decimals of %)."""
    if dive_fig is None or other_fig is None:
        return "cannot compare ✗ (a tool printed different figures on different runs, or none)"
    names = ("efficiency", "wasted bytes", "user wasted %")
    diffs = []
    for name, x, y in zip(names, dive_fig[:3], other_fig[:3]):
        if x is None or y is None:
            if x != y:
                diffs.append(f"{name}: dive {x}, swtop {y}")
            continue
        tol = 0 if name == "wasted bytes" else 0.00005 + 1e-9
        if abs(x - y) > tol:
            diffs.append(f"{name}: dive {x}, swtop {y}")
    return "agree ✓" if not diffs else "differ ✗: " + "; ".join(diffs)


def cmd_table(a):
    with open(a.result) as f:
        r = json.load(f)
    stats = None
    if a.stats:
        with open(a.stats) as f:
            stats = json.load(f)
    res = r["results"]
    sums = {m: summary(runs) for m, runs in res.items()}
    figs = {m: figures_of(runs) for m, runs in res.items()}
    dive = sums.get("dive")
    lines = []
    if stats:
        lines.append(f"Image `{stats['image']}` ({stats['id'][7:19]}, recipe {stats['recipe']}): "
                     f"{stats['size_bytes'] / MB:,.1f} MB, {stats['layers']} layers "
                     f"({stats['history_entries']} history entries), {stats['final_regular_files']:,} regular "
                     f"files ({stats['final_entries']:,} entries) in the final tree, storage driver "
                     f"{stats['driver']}.")
        lines.append("")
    lines.append(f"{r['runs']} counted runs of each mode (after {r['warmup']} warm-up round(s)); wall min / median, "
                 "peak RSS median / max; × dive compares medians.")
    lines.append("")
    lines.append("| tool | mode | wall min / median | × dive | peak RSS median / max | × dive | CPU | engine CPU "
                 "| efficiency | wasted bytes | user wasted % | CI result |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    lines.append(f"| *target* | cold | | ≤ {TARGET_COLD} | | ≤ {TARGET_RSS} | | | same as dive | same as dive "
                 "| same as dive | |")
    lines.append(f"| *target* | warm | | ≤ {TARGET_WARM} | | ≤ {TARGET_RSS} | | | | | | |")
    checks = []
    for mode, info in r["modes"].items():
        s = sums.get(mode)
        fig = figs.get(mode)
        label = {"dive": "no cache", "swtop-cold": "cold", "swtop-warm": "warm",
                 "swtop-export": "cold, --source export"}[mode]
        if s is None:
            errs = {run.get("error") or f"exit {run.get('exit')}: {run.get('last_line', '')}" for run in res[mode]}
            lines.append(f"| {info['tool']} | {label} | failed: {', '.join(sorted(map(str, errs)))} "
                         "| | | | | | | | | |")
            checks.append((mode, None, None))
            continue
        wall = f"{s['wall_min']:.2f} / {s['wall_median']:.2f} s"
        if s["n"] < s["of"]:
            wall += f" ({s['of'] - s['n']} of {s['of']} failed)"
        ratio = rss_ratio = ""
        ok_wall = ok_rss = None
        if dive and mode != "dive":
            x = s["wall_median"] / dive["wall_median"]
            y = s["rss_median"] / dive["rss_median"]
            limit = {"swtop-warm": TARGET_WARM}.get(mode, TARGET_COLD)
            ok_wall, ok_rss = x <= limit, y <= TARGET_RSS
            ratio = f"{x:.3f}" + ok_mark(ok_wall)
            rss_ratio = f"{y:.3f}" + ok_mark(ok_rss)
            checks.append((mode, ok_wall, ok_rss))
        eff, wasted, uw, verdict = fig if fig else (None, None, None, None)
        figure_note = "" if fig else " (differs between runs)"
        lines.append(f"| {info['tool']} | {label} | {wall} | {ratio} | {s['rss_median'] / MB:.1f} / "
                     f"{s['rss_max'] / MB:.1f} MB | {rss_ratio} "
                     f"| {s['cpu_median']:.2f} s | {fmt_s(s['engine_cpu_median'])} "
                     f"| {fmt_pct(eff)}{figure_note} | {fmt_bytes(wasted)} "
                     f"| {fmt_pct(uw)} | {verdict or '–'} |")
    lines.append("")
    for mode in r["modes"]:
        if mode == "dive" or "dive" not in r["modes"]:
            continue
        lines.append(f"- {mode} vs dive, printed figures: {agreement(figs.get('dive'), figs.get(mode))}")
    for mode, runs in res.items():
        walls = ", ".join(f"{x['wall_s']:.2f}" for x in runs if "wall_s" in x)
        rss = ", ".join(f"{x['maxrss_bytes'] / MB:.0f}" for x in runs if "maxrss_bytes" in x)
        extra = ""
        caches = [x.get("cache_bytes") for x in runs if x.get("cache_bytes") is not None]
        if caches:
            extra = f"; cache after the run {max(caches) / MB:.1f} MB"
        exits = sorted({x.get("exit") for x in runs})
        lines.append(f"- {mode}: wall [{walls}] s, peak RSS [{rss}] MB, exit {exits}{extra}")
    print("\n".join(lines))
    failed = any(ok is False for _, w, rr in checks for ok in (w, rr)) or any(w is None for _, w, _ in checks)
    return 1 if a.strict and failed else 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("recipe").set_defaults(fn=cmd_recipe)
    c = sub.add_parser("context")
    c.add_argument("dir")
    c.set_defaults(fn=cmd_context)
    for name, fn in (("stats", cmd_stats), ("measure", cmd_measure)):
        s = sub.add_parser(name)
        s.add_argument("--image", required=True)
        s.add_argument("--docker-host", default=os.environ.get("DOCKER_HOST", ""))
        s.add_argument("--docker-config", default="")
        s.set_defaults(fn=fn)
        if name == "measure":
            s.add_argument("--dive", required=True)
            s.add_argument("--swtop", default="")
            s.add_argument("--out", required=True)
            s.add_argument("--engine-dir", default="")
            s.add_argument("--runs", type=int, default=3)
            s.add_argument("--warmup", type=int, default=1)
            s.add_argument("--timeout", type=float, default=900)
            s.add_argument("--no-export", action="store_true")
            s.add_argument("--no-swtop", action="store_true")
            s.add_argument("--no-dive", action="store_true")
            s.add_argument("--no-unshare", dest="unshare", action="store_false")
    t = sub.add_parser("table")
    t.add_argument("result")
    t.add_argument("stats", nargs="?")
    t.add_argument("--strict", action="store_true")
    t.set_defaults(fn=cmd_table)
    a = p.parse_args()
    sys.exit(a.fn(a) or 0)


if __name__ == "__main__":
    main()
