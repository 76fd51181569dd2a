#!/usr/bin/env python3
"""Measurements for Benchmarks/logs.sh, the log benchmark (issue 7). logs.sh starts the engine and
the containers; this file measures. The /proc, tmux and relay helpers are bench.py's.

  logbench.py follow   --tool NAME --container C --minutes M ... -- COMMAND...
      the tool in a 200x50 tmux pane (through relay.py) follows the logs of the flood container C:
      engine CPU with the flood alone first (--idle seconds), then over --minutes with the tool
      following: the tool's CPU (all threads + children), its RSS every --sample seconds (stops
      early above --max-rss), VmHWM, the engine's CPU, the flood's line rate, terminal bytes/s, how
      far the screen is behind the container; then key -> screen: --tries times the help key ->
      the overlay shows, Escape -> it is gone
  logbench.py baseline --container C --minutes M ...
      the same engine and flood figures while `docker logs -f C > /dev/null` follows instead
  logbench.py burst    --tool NAME --container C --count N --save PATH ... -- COMMAND...
      the tool opens the logs of C (waiting for its trigger), then C prints `seq 1 N`: time until
      the engine has the last line and until the screen shows it; swtop then saves its buffer
      (s, Ctrl-U, PATH, Enter) and the file is checked for every number 1..N once, in order
  logbench.py table    RESULT.json...
      the markdown table (swtop and lazydocker side by side, docker logs -f as the engine baseline)

JSON on stdout for follow/baseline/burst. CPU is utime+stime from /proc/PID/stat (all threads), in %
of one core; the tool's figure includes its child processes.
"""
import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (the /proc, tmux and relay helpers)
from bench import (capture, descendants, engine_delta, engine_sample, host_cpu, log, ncpu, pct,  # noqa: E402
                   read_bytes, tmux, tool_hwm, tool_ticks, vm_field, wait_for)

SESSION = bench.SESSION
FLOOD_RE = re.compile(r"flood line (\d+)")
MB = 1e6

# What each tool shows. swtop's texts are those of Sources/SwtopUI (log view, issue 7); lazydocker's
# were learnt from running 0.25.2 (its containers panel is focused at start and its main panel shows
# the selected container's logs; `x` opens the keybindings "Menu", Esc closes it; `?` does nothing).
TOOLS = {
    "swtop": {
        # `/` filter, the name, Enter keeps the filter (the row stays selected), `l` opens the logs.
        "open_keys": [["/"], ["-l", "{filter}"], ["Enter"], ["l"]],
        "help_key": "?",
        "help_re": re.compile(r"Keys \(Esc"),
        # the log view's title row: " swtop  logs: NAME ... following"
        "view_re": re.compile(r"^ swtop +logs: "),
        "save": True,
    },
    "lazydocker": {
        # `3` focuses the containers panel (it is already at start); the only container is selected
        # and its logs are in the main panel.
        "open_keys": [["3"]],
        "help_key": "x",
        "help_re": re.compile(r"─Menu─"),
        "view_re": None,
        "save": False,
    },
}


# ---------------------------------------------------------------------------------------------
# helpers


def docker(a, *args, timeout=30):
    env = dict(os.environ, DOCKER_HOST=a.docker_host, DOCKER_CONFIG=a.docker_config)
    return subprocess.run([bench.DOCKER_CLI] + list(args), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=timeout)


def last_number(a):
    """(the last number the container printed, time.monotonic()) from `docker logs --tail 1`."""
    r = docker(a, "logs", "--tail", "1", a.container)
    t = time.monotonic()
    nums = re.findall(r"\d+", r.stdout)
    return (int(nums[-1]) if nums else None), t


def tool_rss(root):
    return sum(vm_field(p, "VmRSS") for p in [root] + descendants(root))


def screen_max(text):
    nums = [int(x) for x in FLOOD_RE.findall(text)]
    return max(nums) if nums else None


def send(*args):
    tmux("send-keys", "-t", SESSION, *args)


def start_pane(state, command):
    """The command in a 200x50 tmux pane through relay.py; returns (pid, launch ns, relay state)."""
    conf = os.path.join(state, "tmux.conf")
    with open(conf, "w") as f:
        f.write("set -g status off\nset -g default-terminal tmux-256color\nset -g history-limit 0\n")
    relay_state = os.path.join(state, "relay")
    inner = " ".join(shlex.quote(x) for x in
                     [sys.executable, os.path.join(HERE, "relay.py"), relay_state, "--"] + command)
    tmux("-f", conf, "new-session", "-d", "-s", SESSION, "-x", str(bench.WIDTH), "-y", str(bench.HEIGHT),
         "exec " + inner)
    pid_file = os.path.join(relay_state, "pid")
    deadline = time.monotonic() + 10
    while not os.path.exists(pid_file) and time.monotonic() < deadline:
        time.sleep(0.002)
    with open(pid_file) as f:
        pid, launched = (int(x) for x in f.read().split())
    return pid, launched, relay_state


def stop_pane(pid, relay_state):
    bench.stop_tool(pid, relay_state)


def open_logs(a, spec, pred, timeout=30.0):
    """Waits for the dashboard to show the container, presses the tool's keys, waits for pred."""
    ok, _ = wait_for(lambda: a.container in capture(), 30.0)
    if not ok:
        return f"{a.container} not on screen within 30 s"
    time.sleep(0.5)
    for keys in spec["open_keys"]:
        send(*[k.replace("{filter}", a.filter) for k in keys])
        time.sleep(0.3)
    ok, _ = wait_for(pred, timeout, interval=0.05)
    if not ok:
        return f"the log view did not show within {timeout:.0f} s"
    return None


def in_view(spec, screen, flood_lines):
    """The tool's log view is on screen (swtop: its title row) with at least flood_lines flood lines."""
    if spec["view_re"] is not None and not spec["view_re"].search(screen.split("\n", 1)[0]):
        return False
    return len(FLOOD_RE.findall(screen)) >= flood_lines


def engine_window(a, seconds):
    """Engine CPU % and flood line rate over `seconds` with whatever follows now."""
    n0, tn0 = last_number(a)
    e0, t0 = engine_sample(a.engine_dir), time.monotonic()
    time.sleep(seconds)
    e1, t1 = engine_sample(a.engine_dir), time.monotonic()
    n1, tn1 = last_number(a)
    rate = (n1 - n0) / (tn1 - tn0) if n0 is not None and n1 is not None else None
    return round(pct(engine_delta(e0, e1), t1 - t0), 2), (round(rate) if rate else None), len(e1)


def summarize(values):
    out = {"samples": [round(v, 1) for v in values]}
    if values:
        out["median_ms"] = round(statistics.median(values), 1)
        out["max_ms"] = round(max(values), 1)
    return out


def help_latency(spec, tries):
    """help key -> the overlay shows; Escape -> it is gone (capture-pane polled as fast as tmux answers)."""
    show, hide, misses, notes = [], [], 0, []
    rx = spec["help_re"]
    for i in range(tries):
        if rx.search(capture()):
            send("Escape")
            wait_for(lambda: not rx.search(capture()), 3.0)
            time.sleep(0.3)
        start = time.time_ns()
        send(spec["help_key"])
        ok, seen = wait_for(lambda: rx.search(capture()) is not None, 5.0)
        if not ok:
            misses += 1
            notes.append(f"try {i + 1}: the overlay did not show within 5 s")
            continue
        show.append((seen - start) / 1e6)
        time.sleep(0.3)
        start = time.time_ns()
        send("Escape")
        ok, seen = wait_for(lambda: rx.search(capture()) is None, 5.0)
        if ok:
            hide.append((seen - start) / 1e6)
        else:
            notes.append(f"try {i + 1}: the overlay did not close within 5 s")
        time.sleep(0.3)
    return {"show": summarize(show), "hide": summarize(hide), "misses": misses, "attempts": tries,
            "notes": notes}


# ---------------------------------------------------------------------------------------------
# follow


def cmd_follow(a):
    spec = TOOLS[a.tool]
    res = {"kind": "follow", "tool": a.tool, "minutes": a.minutes, "command": a.command}
    os.makedirs(a.state, exist_ok=True)

    log(f"{a.tool}: engine CPU with the flood alone over {a.idle:.0f} s")
    h0 = host_cpu()
    res["engine_flood_only_pct"], res["flood_only_rate"], res["engine_processes"] = engine_window(a, a.idle)
    h1 = host_cpu()
    res["host_busy_flood_only_pct"] = round(100.0 * ncpu() * (h1[0] - h0[0]) / max(1, h1[1] - h0[1]), 1)
    log(f"  engine {res['engine_flood_only_pct']} % of a core, flood {res['flood_only_rate']} lines/s")

    pid, launched, relay_state = start_pane(a.state, a.command)
    res["pid"] = pid
    try:
        err = open_logs(a, spec, lambda: in_view(spec, capture(), 5), timeout=60.0)
        if err:
            res["error"] = err
            res["screen"] = capture()
            return res
        res["log_view_after_ms"] = round((time.time_ns() - launched) / 1e6)
        log(f"{a.tool}: the flood is on screen ({res['log_view_after_ms']} ms after launch)")
        opened = time.monotonic()
        time.sleep(5.0)

        window = a.minutes * 60.0
        log(f"{a.tool}: measuring for {window:.0f} s (RSS every {a.sample:.0f} s)")
        n0, tn0 = last_number(a)
        shown0 = screen_max(capture())
        b0 = read_bytes(relay_state)
        c0, e0, h0, t0 = tool_ticks(pid), engine_sample(a.engine_dir), host_cpu(), time.monotonic()
        samples, behind = [], []
        next_lag = t0
        aborted = None
        while True:
            now = time.monotonic()
            if now - t0 >= window:
                break
            time.sleep(min(a.sample, window - (now - t0)))
            now = time.monotonic()
            rss = tool_rss(pid)
            ticks = tool_ticks(pid)
            if ticks is None:
                aborted = "the tool ended"
                break
            samples.append([round(now - opened, 1), rss, ticks - c0])
            if now >= next_lag:  # how far the screen is behind the container
                shown = screen_max(capture())
                last, _ = last_number(a)
                if shown is not None and last is not None:
                    behind.append([round(now - opened, 1), last - shown])
                next_lag = now + 30.0
            if rss > a.max_rss:
                aborted = f"RSS {rss / MB:.0f} MB > {a.max_rss / MB:.0f} MB after {now - opened:.0f} s"
                log(f"{a.tool}: stopping early: {aborted}")
                break
        c1, e1, h1, t1 = tool_ticks(pid), engine_sample(a.engine_dir), host_cpu(), time.monotonic()
        b1 = read_bytes(relay_state)
        n1, tn1 = last_number(a)
        span = t1 - t0
        res["window_s"] = round(span, 1)
        if aborted:
            res["aborted"] = aborted
        if c1 is None:
            res["error"] = "the tool ended during the measurement"
            return res
        res["cpu_pct"] = round(pct(c1 - c0, span), 2)
        res["engine_pct"] = round(pct(engine_delta(e0, e1), span), 2)
        res["flood_rate"] = round((n1 - n0) / (tn1 - tn0)) if n0 is not None and n1 is not None else None
        res["flood_lines"] = (n1 - n0) if n0 is not None and n1 is not None else None
        res["engine_cpu_s_per_mline"] = (round(engine_delta(e0, e1) / bench.CLK_TCK / (res["flood_lines"] / 1e6), 2)
                                         if res.get("flood_lines") else None)
        res["bytes_per_s"] = round((b1 - b0) / span)
        res["host_busy_pct"] = round(100.0 * ncpu() * (h1[0] - h0[0]) / max(1, h1[1] - h0[1]), 1)
        res["threads"] = len(os.listdir(f"/proc/{pid}/task")) if os.path.exists(f"/proc/{pid}/task") else None
        res["children"] = len(descendants(pid))
        res["rss_samples"] = samples
        res["behind_lines"] = behind
        res["rss_1min_bytes"] = next((x[1] for x in samples if x[0] >= 60.0), samples[-1][1] if samples else None)
        res["rss_end_bytes"] = samples[-1][1] if samples else tool_rss(pid)
        shown = screen_max(capture())
        res["screen_last"] = shown
        res["container_last"] = n1
        if shown is not None and n1 is not None:
            behind.append([round(time.monotonic() - opened, 1), n1 - shown])
        if shown is not None and shown0 is not None:
            # how fast the screen moved through the flood: the lines the tool took in, per second
            res["shown_rate"] = round((shown - shown0) / span)
        log(f"{a.tool}: cpu {res['cpu_pct']} %, engine {res['engine_pct']} %, flood {res['flood_rate']} lines/s, "
            f"RSS 1 min {(res['rss_1min_bytes'] or 0) / MB:.1f} MB, end {res['rss_end_bytes'] / MB:.1f} MB")
        res["screen"] = capture()

        if not aborted or not a.no_latency_after_abort:
            log(f"{a.tool}: key -> screen: {a.help_tries} x '{spec['help_key']}' then Escape")
            res["key"] = help_latency(spec, a.help_tries)
        res["rss_hwm_bytes"] = tool_hwm(pid)
        res["rss_anon_bytes"] = vm_field(pid, "RssAnon")
        res["rss_file_bytes"] = vm_field(pid, "RssFile")
        return res
    finally:
        stop_pane(pid, relay_state)


# ---------------------------------------------------------------------------------------------
# baseline: docker logs -f


def cmd_baseline(a):
    res = {"kind": "baseline", "tool": "docker logs -f", "minutes": a.minutes}
    log(f"docker logs -f: engine CPU with the flood alone over {a.idle:.0f} s")
    res["engine_flood_only_pct"], res["flood_only_rate"], res["engine_processes"] = engine_window(a, a.idle)
    log(f"  engine {res['engine_flood_only_pct']} % of a core, flood {res['flood_only_rate']} lines/s")
    env = dict(os.environ, DOCKER_HOST=a.docker_host, DOCKER_CONFIG=a.docker_config)
    # --tail 0: what it costs to follow, not to read the history first (swtop's --tail default is small too)
    proc = subprocess.Popen([bench.DOCKER_CLI, "logs", "-f", "--tail", "0", a.container], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(5.0)
        window = a.minutes * 60.0
        log(f"docker logs -f: measuring for {window:.0f} s")
        n0, tn0 = last_number(a)
        c0, e0, h0, t0 = tool_ticks(proc.pid), engine_sample(a.engine_dir), host_cpu(), time.monotonic()
        while time.monotonic() - t0 < window:
            time.sleep(min(30.0, window - (time.monotonic() - t0)))
            if time.monotonic() - t0 < window - 1:
                last_number(a)  # the same engine requests as during a tool's window
        c1, e1, h1, t1 = tool_ticks(proc.pid), engine_sample(a.engine_dir), host_cpu(), time.monotonic()
        n1, tn1 = last_number(a)
        span = t1 - t0
        res["window_s"] = round(span, 1)
        res["cpu_pct"] = round(pct(c1 - c0, span), 2) if c1 is not None and c0 is not None else None
        res["engine_pct"] = round(pct(engine_delta(e0, e1), span), 2)
        res["flood_rate"] = round((n1 - n0) / (tn1 - tn0))
        res["flood_lines"] = n1 - n0
        res["engine_cpu_s_per_mline"] = round(engine_delta(e0, e1) / bench.CLK_TCK / (res["flood_lines"] / 1e6), 2)
        res["host_busy_pct"] = round(100.0 * ncpu() * (h1[0] - h0[0]) / max(1, h1[1] - h0[1]), 1)
        log(f"docker logs -f: engine {res['engine_pct']} %, flood {res['flood_rate']} lines/s, "
            f"client {res['cpu_pct']} %")
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
    return res


# ---------------------------------------------------------------------------------------------
# burst


def check_saved(path, count):
    """Every number 1..count exactly once, in order? Each line's last run of digits is its number
    (a prefix such as a timestamp is allowed); lines without digits are counted as other lines."""
    out = {"path": path}
    try:
        f = open(path, "rb")
    except OSError as e:
        out["error"] = str(e)
        return out
    expect, lines, other, first_problem = 1, 0, 0, None
    dups = missing = disorder = 0
    seen_max = 0
    num_re = re.compile(rb"(\d+)\s*$")
    with f:
        for raw in f:
            lines += 1
            m = num_re.search(raw)
            if not m:
                other += 1
                continue
            n = int(m.group(1))
            if n == expect:
                expect += 1
            else:
                if first_problem is None:
                    first_problem = f"line {lines}: {n} where {expect} was expected"
                if n < expect:
                    if n <= seen_max:
                        dups += 1
                    else:
                        disorder += 1
                else:
                    missing += n - expect
                    expect = n + 1
            seen_max = max(seen_max, n)
    missing += max(0, count + 1 - expect)
    out.update(lines=lines, other_lines=other, last=expect - 1, missing=missing, duplicates=dups,
               out_of_order=disorder, first_problem=first_problem)
    out["ok"] = (missing == 0 and dups == 0 and disorder == 0 and expect - 1 == count)
    out["bytes"] = os.path.getsize(path)
    return out


def cmd_burst(a):
    spec = TOOLS[a.tool]
    res = {"kind": "burst", "tool": a.tool, "count": a.count, "command": a.command}
    os.makedirs(a.state, exist_ok=True)
    last_re = re.compile(r"(^|[\s│|])" + str(a.count) + r"($|[\s│|])", re.M)
    pid, launched, relay_state = start_pane(a.state, a.command)
    res["pid"] = pid
    try:
        # The container waits for /go: the log view is open (and empty) before the burst starts.
        err = open_logs(a, spec, lambda: in_view(spec, capture(), 0), timeout=10.0)
        if err:
            res["error"] = err
            res["screen"] = capture()
            return res
        time.sleep(2.0)
        c0, t0 = tool_ticks(pid), time.monotonic()
        log(f"{a.tool}: burst of {a.count:,} lines")
        r = docker(a, "exec", a.container, "touch", "/go")
        if r.returncode != 0:
            res["error"] = f"docker exec: {r.stderr.strip()}"
            return res
        written = None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            n, t = last_number(a)
            if n == a.count:
                written = t
                break
            time.sleep(0.2)
        if written is None:
            res["error"] = "the burst did not finish within 300 s"
            return res
        res["burst_engine_s"] = round(written - t0, 2)
        ok, _ = wait_for(lambda: last_re.search(capture()) is not None, a.show_timeout, interval=0.05)
        if ok:
            res["shown_after_s"] = round(time.monotonic() - t0, 2)
            log(f"{a.tool}: {a.count} on screen after {res['shown_after_s']} s (engine had it after "
                f"{res['burst_engine_s']} s)")
        else:
            res["shown_after_s"] = None
            nums = [int(x) for x in re.findall(r"(?<![\d.])(\d{1,7})(?![\d.])", capture())]
            res["screen_max"] = max(nums) if nums else None
            log(f"{a.tool}: {a.count} not on screen {a.show_timeout:.0f} s after the burst started")
        c1 = tool_ticks(pid)
        res["cpu_s"] = round((c1 - c0) / bench.CLK_TCK, 2) if c1 is not None else None
        res["rss_after_bytes"] = tool_rss(pid)
        res["rss_hwm_bytes"] = tool_hwm(pid)
        if not spec["save"]:
            res["save"] = {"error": "no save feature"}
            return res
        # s -> "save to:" prompt; Ctrl-U clears the default; the path; Enter.
        if os.path.exists(a.save):
            os.unlink(a.save)
        send("s")
        ok, _ = wait_for(lambda: "save to:" in capture().lower(), 5.0)
        if not ok:
            res["save"] = {"error": "no 'save to:' prompt within 5 s", "screen": capture()}
            return res
        send("C-u")
        time.sleep(0.2)
        send("-l", a.save)
        time.sleep(0.2)
        s0 = time.monotonic()
        send("Enter")
        saved_re = re.compile(r"saved ([\d,]+) lines")
        ok, _ = wait_for(lambda: saved_re.search(capture()) is not None, 120.0, interval=0.05)
        screen = capture()
        if not ok:
            res["save"] = {"error": "no 'saved N lines' within 120 s", "screen": screen}
            return res
        res["save_s"] = round(time.monotonic() - s0, 2)
        res["saved_lines_reported"] = int(saved_re.search(screen).group(1).replace(",", ""))
        time.sleep(0.5)
        res["save"] = check_saved(a.save, a.count)
        log(f"{a.tool}: saved: {res['save']}")
        return res
    finally:
        stop_pane(pid, relay_state)


# ---------------------------------------------------------------------------------------------
# table

TARGET = {"key": 100, "cpu": 50, "rss": 100}


def mark(ok):
    return "" if ok is None else (" ✓" if ok else " ✗")


def mb(v):
    return f"{v / MB:.1f} MB" if v else "–"


def cell_key(d):
    if not d:
        return "–"
    k = d.get("key")
    if not k:
        return "not measured" + (" (stopped early)" if d.get("aborted") else "")
    s = k["show"]
    if "median_ms" not in s:
        return f"never shown (0 of {k['attempts']})"
    out = f"{s['median_ms']:.0f} / {s['max_ms']:.0f} ms"
    if d["tool"] == "swtop":
        out += mark(s["median_ms"] <= TARGET["key"])
    if k.get("misses"):
        out += f" ({k['misses']} of {k['attempts']} not shown)"
    return out


def cell_hide(d):
    k = (d or {}).get("key")
    if not k or "median_ms" not in k["hide"]:
        return "–"
    return f"{k['hide']['median_ms']:.0f} / {k['hide']['max_ms']:.0f} ms"


def flat(d):
    a, b = d.get("rss_1min_bytes"), d.get("rss_end_bytes")
    if not a or not b:
        return None
    return b - a <= max(5 * MB, 0.10 * a)


def cell_rss_trend(d):
    if not d or "rss_end_bytes" not in d:
        return "–"
    a, b = d.get("rss_1min_bytes"), d.get("rss_end_bytes")
    t_end = d["rss_samples"][-1][0] if d.get("rss_samples") else None
    s = f"{mb(a)} → {mb(b)}" + (f" (at {t_end / 60:.1f} min)" if t_end else "")
    if d["tool"] == "swtop":
        s += mark(flat(d))
    return s


def cell_burst(b):
    if not b:
        return "–"
    if "error" in b:
        return f"error: {b['error']}"
    if b.get("shown_after_s") is None:
        return f"{b['count']:,} not shown within the timeout (screen at {b.get('screen_max')})"
    return f"{b['shown_after_s']:.1f} s (engine had it at {b['burst_engine_s']:.1f} s)"


def cell_save(b, tool):
    if not b:
        return "–"
    s = b.get("save")
    if not s:
        return f"error: {b.get('error', '?')}"
    if "error" in s:
        return s["error"]
    if s.get("ok"):
        return f"{s['lines']:,} lines, 1..{b['count']:,} once each, in order ✓ ({b.get('save_s')} s)"
    return (f"✗ {s['lines']:,} lines: missing {s['missing']:,}, duplicates {s['duplicates']:,}, out of order "
            f"{s['out_of_order']:,}; first: {s['first_problem']}")


def cmd_table(a):
    follow, burst, base = {}, {}, None
    for path in a.results:
        try:
            with open(path) as f:
                r = json.load(f)
        except ValueError:
            print(f"(no result in {path})", file=sys.stderr)
            continue
        if r["kind"] == "follow":
            follow[r["tool"]] = r
        elif r["kind"] == "burst":
            burst[r["tool"]] = r
        else:
            base = r
    tools = [t for t in ("swtop", "lazydocker") if t in follow or t in burst]
    base_engine = base.get("engine_pct") if base else None

    def fig(d, f, first):
        if not d:
            return "–"
        if "error" in d and "cpu_pct" not in d:
            return f"error: {d['error']}" if first else "–"
        return f(d)

    rows = []

    def row(name, target, f, basecell=""):
        cells = [fig(follow.get(t), lambda d, t=t: f(d, t), not rows) for t in tools]
        rows.append(f"| {name} | {target} | " + " | ".join(cells) + f" | {basecell} |")

    def cpu_cell(d, t):
        return f"{d['cpu_pct']:.1f} %" + (mark(d["cpu_pct"] <= TARGET["cpu"]) if t == "swtop" else "")

    def hwm_cell(d, t):
        v = d.get("rss_hwm_bytes")
        return mb(v) + (mark(v / MB <= TARGET["rss"]) if t == "swtop" and v else "") + \
            (f" (stopped: {d['aborted']})" if d.get("aborted") else "")

    def engine_cell(d, t):
        s = f"{d['engine_pct']:.1f} %"
        if t == "swtop" and base_engine is not None:
            s += mark(d["engine_pct"] <= base_engine)
        return s

    def behind_cell(d, t):
        b = d.get("behind_lines") or []
        if not b:
            return "–"
        last = b[-1][1]
        rate = d.get("flood_rate") or 0
        secs = f" ≈ {last / rate:.1f} s" if rate else ""
        return f"{last:,} lines{secs}"

    row("key → screen: help overlay shows (median / max of 10)", f"≤ {TARGET['key']} ms median",
        lambda d, t: cell_key(d))
    row("Escape → overlay gone (median / max)", "", lambda d, t: cell_hide(d))
    row("own CPU while following (% of a core, threads + children)", f"≤ {TARGET['cpu']} %", cpu_cell,
        f"{base['cpu_pct']:.1f} % (the CLI)" if base and base.get("cpu_pct") is not None else "")
    row("peak RSS (VmHWM)", f"≤ {TARGET['rss']} MB", hwm_cell)
    row("RSS at 1 min → at the end", "flat (≤ +10 % or +5 MB)", lambda d, t: cell_rss_trend(d))
    row("engine CPU while following (dockerd + containerd + shims, % of a core)",
        "≤ docker logs -f" + (f" ({base_engine:.1f} %)" if base_engine is not None else ""), engine_cell,
        f"{base_engine:.1f} %" if base_engine is not None else "")
    row("engine CPU-s per million flood lines", "", lambda d, t: f"{d['engine_cpu_s_per_mline']:.2f}"
        if d.get("engine_cpu_s_per_mline") else "–",
        f"{base['engine_cpu_s_per_mline']:.2f}" if base else "")
    row("engine CPU with the flood alone, before (% of a core)", "",
        lambda d, t: f"{d['engine_flood_only_pct']:.1f} %",
        f"{base['engine_flood_only_pct']:.1f} %" if base else "")
    row("flood line rate while following (lines/s)", "", lambda d, t: f"{d['flood_rate']:,}" if d.get("flood_rate") else "–",
        f"{base['flood_rate']:,}" if base else "")
    row("lines/s the screen moved through (the tool's read rate)", "",
        lambda d, t: f"{d['shown_rate']:,}" if d.get("shown_rate") is not None else "–")
    row("screen behind the container at the end", "", behind_cell)
    row("terminal bytes/s while following", "", lambda d, t: f"{d['bytes_per_s']:,}")
    row("measured for", "", lambda d, t: f"{d['window_s'] / 60:.1f} min",
        f"{base['window_s'] / 60:.1f} min" if base else "")
    bcount = next((b["count"] for b in burst.values()), None)
    bc = [cell_burst(burst.get(t)) for t in tools]
    rows.append(f"| burst of {bcount:,} lines: last line on screen after |  | " + " | ".join(bc) + " |  |"
                if bcount else "| burst | | " + " | ".join("–" for _ in tools) + " | |")
    sc = [cell_save(burst.get(t), t) for t in tools]
    rows.append("| burst: saved buffer holds 1..N once each, in order | every line | " + " | ".join(sc) + " |  |")

    print("| figure | target | " + " | ".join(tools) + " | docker logs -f |")
    print("|---|---|" + "---|" * len(tools) + "---|")
    print("\n".join(rows))
    print()
    print(f"Context (% of one core; host busy = all CPUs, {ncpu()} cores = {100 * ncpu()} %):")
    print()
    for t in tools:
        d = follow.get(t)
        if d and "cpu_pct" in d:
            rs = d.get("rss_samples") or []
            trend = ", ".join(f"{s[0] / 60:.1f}m {s[1] / MB:.0f}" for s in rs[::max(1, len(rs) // 10)])
            print(f"- {t} following: host busy {d.get('host_busy_flood_only_pct')} % with the flood alone / "
                  f"{d.get('host_busy_pct')} % with the tool; flood {d.get('flood_only_rate') or 0:,} lines/s alone; "
                  f"tool threads {d.get('threads')}, child processes {d.get('children')}; RSS at the end "
                  f"{mb(d.get('rss_end_bytes'))} (anonymous {mb(d.get('rss_anon_bytes'))}, file-backed "
                  f"{mb(d.get('rss_file_bytes'))}); log view on screen {d.get('log_view_after_ms')} ms after launch")
            print(f"  - RSS (MB) over time: {trend}")
            ticked = [x for x in rs if len(x) > 2]
            if len(ticked) >= 2:
                # the tool's CPU minute by minute (% of a core), from the cumulative ticks of the samples
                marks, prev = [], (ticked[0][0], ticked[0][2])
                for x in ticked[1:]:
                    if x[0] - prev[0] >= 60.0 or x is ticked[-1]:
                        marks.append(f"{x[0] / 60:.1f}m {pct(x[2] - prev[1], x[0] - prev[0]):.0f}")
                        prev = (x[0], x[2])
                print(f"  - own CPU (% of a core) per interval ending at: {', '.join(marks)}")
            if d.get("behind_lines"):
                print(f"  - screen behind the container (lines) over time: "
                      + ", ".join(f"{x[0] / 60:.1f}m {x[1]:,}" for x in d["behind_lines"]))
            k = d.get("key")
            if k:
                print(f"  - help overlay shows (ms): {k['show']['samples']}; closes: {k['hide']['samples']}"
                      + (f"; {'; '.join(k['notes'])}" if k.get("notes") else ""))
        elif d:
            print(f"- {t} following: error: {d.get('error')}")
        b = burst.get(t)
        if b:
            extra = ""
            if b.get("save") and "lines" in b["save"]:
                extra = (f"; saved file {b['save']['bytes'] / MB:.1f} MB, {b['save']['lines']:,} lines, status said "
                         f"{b.get('saved_lines_reported'):,} lines")
            print(f"- {t} burst: CPU {b.get('cpu_s')} s from the trigger until the last line showed; RSS after "
                  f"{mb(b.get('rss_after_bytes'))}, VmHWM {mb(b.get('rss_hwm_bytes'))}{extra}")
    if base:
        print(f"- docker logs -f: host busy {base.get('host_busy_pct')} %; flood {base.get('flood_only_rate') or 0:,} "
              f"lines/s alone")
    return 0


# ---------------------------------------------------------------------------------------------


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    def common(s, tool=True):
        s.add_argument("--engine-dir", required=True)
        s.add_argument("--docker-host", required=True)
        s.add_argument("--docker-config", required=True)
        s.add_argument("--container", required=True)
        if tool:
            s.add_argument("--tool", required=True, choices=sorted(TOOLS))
            s.add_argument("--state", required=True)
            s.add_argument("--filter", default="flood", help="what swtop's / filter types")

    f = sub.add_parser("follow")
    common(f)
    f.add_argument("--minutes", type=float, default=5)
    f.add_argument("--idle", type=float, default=20)
    f.add_argument("--sample", type=float, default=5)
    f.add_argument("--max-rss", type=float, default=2e9)
    f.add_argument("--help-tries", type=int, default=10)
    f.add_argument("--no-latency-after-abort", action="store_true",
                   help="skip key -> screen when the window was stopped early (RSS above --max-rss)")
    f.add_argument("command", nargs="+")
    b = sub.add_parser("baseline")
    common(b, tool=False)
    b.add_argument("--minutes", type=float, default=5)
    b.add_argument("--idle", type=float, default=20)
    u = sub.add_parser("burst")
    common(u)
    u.add_argument("--count", type=int, default=1_000_000)
    u.add_argument("--save", required=True)
    u.add_argument("--show-timeout", type=float, default=120)
    u.add_argument("command", nargs="+")
    t = sub.add_parser("table")
    t.add_argument("results", nargs="+")
    a = p.parse_args()
    if a.cmd == "table":
        return cmd_table(a)
    try:
        res = {"follow": cmd_follow, "baseline": cmd_baseline, "burst": cmd_burst}[a.cmd](a)
    except Exception as e:  # a bug here must not lose the run's other results: the table shows it
        import traceback
        traceback.print_exc()
        res = {"kind": a.cmd, "tool": getattr(a, "tool", "docker logs -f"), "error": f"logbench.py: {e!r}"}
    json.dump(res, sys.stdout, indent=1)
    print()
    return 0 if "error" not in res else 1


if __name__ == "__main__":
    sys.exit(main())
