#!/usr/bin/env python3
"""Measurements for Benchmarks/run.sh (which starts the engine and the containers).

  bench.py calm    --engine-dir D [--max 120]
      wait until the engine's CPU (dockerd + containerd + shims) settles
  bench.py measure --tool NAME --engine-dir D --docker-host unix://S --state DIR --seconds S
                   --n N [--key-only] -- COMMAND...
      engine idle CPU, then COMMAND in a 200x50 tmux pane through relay.py: own CPU, peak RSS,
      engine CPU added, terminal bytes/s, first frame, event -> screen, key -> screen; JSON on stdout
  bench.py table   RESULT.json...
      the markdown table

CPU figures are summed per process from /proc/PID/stat (utime+stime, which cover every thread of
the process), in % of one core. The tool's figure also covers its child processes (live ones, and
the reaped ones through cutime+cstime).
"""
import argparse
import json
import os
import random
import re
import shlex
import signal
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLK_TCK = os.sysconf("SC_CLK_TCK")
TMUX_SOCKET = "swtop-bench"
SESSION = "bench"
WIDTH, HEIGHT = 200, 50
NAME_RE = re.compile(r"bench-\d{4}")
DOCKER_CLI = os.environ.get("SWTOP_DOCKER_CLI", "/usr/bin/docker")


def log(msg):
    sys.stderr.write(f"[bench] {msg}\n")
    sys.stderr.flush()


# ---------------------------------------------------------------------------------------------
# /proc


def read_stat(pid):
    """(comm, ppid, utime, stime, cutime, cstime) or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    lpar, rpar = text.index("("), text.rindex(")")
    comm = text[lpar + 1:rpar]
    rest = text[rpar + 2:].split()
    # rest[0] is field 3 (state): field N is rest[N - 3]
    return comm, int(rest[1]), int(rest[11]), int(rest[12]), int(rest[13]), int(rest[14])


def all_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


ENGINE_COMMS = ("dockerd", "containerd", "containerd-shim", "containerd-shim-runc-v2", "runc", "docker-proxy")


def engine_pids(engine_dir):
    marker = engine_dir.rstrip("/") + "/"
    out = []
    for pid in all_pids():
        st = read_stat(pid)
        if not st:
            continue
        if st[0] in ENGINE_COMMS or st[0].startswith("containerd-shim"):
            if marker in cmdline(pid):
                out.append(pid)
    return out


def engine_sample(engine_dir):
    """{pid: utime+stime} of the engine's processes."""
    out = {}
    for pid in engine_pids(engine_dir):
        st = read_stat(pid)
        if st:
            out[pid] = st[2] + st[3]
    return out


def engine_delta(before, after):
    # A process that started inside the window counts from zero; one that ended is lost (rare: no
    # container stops while we measure).
    return sum(t - before.get(pid, 0) for pid, t in after.items())


def descendants(root):
    children = {}
    for pid in all_pids():
        st = read_stat(pid)
        if st:
            children.setdefault(st[1], []).append(pid)
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        for c in children.get(p, []):
            out.append(c)
            todo.append(c)
    return out


def tool_ticks(root):
    st = read_stat(root)
    if not st:
        return None
    total = st[2] + st[3] + st[4] + st[5]
    for pid in descendants(root):
        s = read_stat(pid)
        if s:
            total += s[2] + s[3]
    return total


def vm_field(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tool_hwm(root):
    return sum(vm_field(p, "VmHWM") for p in [root] + descendants(root))


def host_cpu():
    """(busy, total) jiffies of the whole machine."""
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    vals = [int(x) for x in parts[:8]]
    idle = vals[3] + vals[4]
    return sum(vals) - idle, sum(vals)


def pct(ticks, seconds):
    return 100.0 * ticks / CLK_TCK / seconds


def ncpu():
    return os.cpu_count() or 1


# ---------------------------------------------------------------------------------------------
# tmux


def tmux(*args, check=True):
    return subprocess.run(["tmux", "-L", TMUX_SOCKET] + list(args), check=check,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def capture(escapes=False):
    args = ["capture-pane", "-p", "-t", SESSION]
    if escapes:
        args.insert(1, "-e")
    r = tmux(*args, check=False)
    return r.stdout if r.returncode == 0 else ""


SGR_RE = re.compile(r"\x1b\[([0-9;:]*)m")


def sgr_apply(state, params):
    """Applies one SGR parameter list to state = {"fg", "bg", "attrs"}."""
    ps = [int(x) if x.isdigit() else 0 for x in params.replace(":", ";").split(";")] if params else [0]
    i = 0
    while i < len(ps):
        p = ps[i]
        if p == 0:
            state["fg"], state["bg"], state["attrs"] = None, None, frozenset()
        elif p in (1, 2, 3, 4, 5, 7, 8, 9):
            state["attrs"] = state["attrs"] | {p}
        elif p == 22:
            state["attrs"] = state["attrs"] - {1, 2}
        elif p in (23, 24, 25, 27, 28, 29):
            state["attrs"] = state["attrs"] - {p - 20}
        elif 30 <= p <= 37 or 90 <= p <= 97:
            state["fg"] = p
        elif 40 <= p <= 47 or 100 <= p <= 107:
            state["bg"] = p
        elif p == 39:
            state["fg"] = None
        elif p == 49:
            state["bg"] = None
        elif p in (38, 48) and i + 1 < len(ps):
            if ps[i + 1] == 5 and i + 2 < len(ps):
                value = ("256", ps[i + 2])
                i += 2
            elif ps[i + 1] == 2 and i + 4 < len(ps):
                value = ("rgb", ps[i + 2], ps[i + 3], ps[i + 4])
                i += 4
            else:
                value = None
            state["fg" if p == 38 else "bg"] = value
        i += 1


def styled_names(text):
    """[(name, style)] for every bench-NNNN on screen; style is the effective SGR state (colours
    and attributes) at the name's first character, from capture-pane -e."""
    out = []
    for line in text.split("\n"):
        state = {"fg": None, "bg": None, "attrs": frozenset()}
        pos = 0
        segments = []
        for m in SGR_RE.finditer(line):
            segments.append((line[pos:m.start()], (state["fg"], state["bg"], state["attrs"])))
            sgr_apply(state, m.group(1))
            pos = m.end()
        segments.append((line[pos:], (state["fg"], state["bg"], state["attrs"])))
        for text_part, style in segments:
            for m in NAME_RE.finditer(text_part):
                out.append((m.group(0), style))
    return out


def selected_name(text):
    """The bench name drawn in a style that no other bench name has (the highlighted row)."""
    names = styled_names(text)
    if len(names) < 3:
        return None
    counts = {}
    for _, style in names:
        counts[style] = counts.get(style, 0) + 1
    unique = [n for n, s in names if counts[s] == 1]
    return unique[0] if len(unique) == 1 else None


def row_of(text, name):
    for line in text.split("\n"):
        if name in line:
            return line
    return None


# ---------------------------------------------------------------------------------------------
# commands


def cmd_calm(a):
    """Wait until two consecutive 5 s windows of engine CPU agree."""
    deadline = time.monotonic() + a.max
    prev = None
    while time.monotonic() < deadline:
        t0, s0 = time.monotonic(), engine_sample(a.engine_dir)
        time.sleep(5)
        t1, s1 = time.monotonic(), engine_sample(a.engine_dir)
        cur = pct(engine_delta(s0, s1), t1 - t0)
        log(f"engine CPU over 5 s: {cur:.1f} % of a core")
        if prev is not None and abs(cur - prev) <= max(1.0, 0.15 * prev):
            return 0
        prev = cur
    log("engine did not settle; going on")
    return 0


def wait_for(pred, timeout, interval=0.0):
    """Poll pred() (which captures the pane) as fast as tmux answers; returns (value, ns) or (None, None)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v, time.time_ns()
        if interval:
            time.sleep(interval)
    return None, None


class EventLog:
    """`docker events` in the background; remembers (id, action) -> timeNano."""

    def __init__(self, host, config_dir):
        env = dict(os.environ, DOCKER_HOST=host, DOCKER_CONFIG=config_dir)
        self.proc = subprocess.Popen(
            [DOCKER_CLI, "events", "--format", "{{json .}}", "--filter", "label=bench=1",
             "--filter", "type=container"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        self.lock = threading.Lock()
        self.seen = {}
        self.cond = threading.Condition(self.lock)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            actor = ev.get("Actor") or {}
            name = (actor.get("Attributes") or {}).get("name", "")
            key = (name, ev.get("Action") or ev.get("status"))
            with self.cond:
                self.seen.setdefault(key, []).append(int(ev.get("timeNano", 0)))
                self.cond.notify_all()

    def time_of(self, name, action, after_ns, timeout=5):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for t in self.seen.get((name, action), []):
                    if t >= after_ns:
                        return t
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def docker_env(a):
    return dict(os.environ, DOCKER_HOST=a.docker_host, DOCKER_CONFIG=a.docker_config)


def shows(name, paused):
    """A predicate: the pane's row of `name` shows (paused) or does not show (running) "paused"."""
    def check():
        row = row_of(capture(), name)
        return row is not None and (("paused" in row.lower()) == paused)
    return check


STATE_TIMEOUT = 17.0  # longer than swtop's 15 s resync, so a stale row is measured, not lost


def event_latency(a, tries):
    """`docker pause` then `docker unpause` of visible containers (tries / 2 of them, one pair
    each): engine event timeNano -> the pane shows the new state. A container is used only when
    its row shows it running before the pause; the unpause is measured only when the pause showed."""
    screen = capture()
    selected = selected_name(capture(escapes=True))
    names = [n for n in dict.fromkeys(NAME_RE.findall(screen)) if n != selected]
    pairs = max(1, tries // 2)
    targets = names[1:1 + pairs] if len(names) > pairs else names[:pairs]
    if not targets:
        return {"error": "no container visible"}
    log(f"event -> screen: pause + unpause of {', '.join(targets)}")
    events = EventLog(a.docker_host, a.docker_config)
    time.sleep(1.0)
    lat, by_action, misses, notes = [], {"pause": [], "unpause": []}, 0, []
    try:
        for target in targets:
            ok, _ = wait_for(shows(target, False), STATE_TIMEOUT)
            if not ok:
                notes.append(f"{target}: never shown running before the pause; skipped")
                continue
            for action in ("pause", "unpause"):
                start = time.time_ns()
                cli = subprocess.Popen([DOCKER_CLI, action, target], env=docker_env(a),
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                ok, seen_ns = wait_for(shows(target, action == "pause"), STATE_TIMEOUT)
                cli.wait()
                ev_ns = events.time_of(target, action, start - 1_000_000_000)
                if ok and ev_ns:
                    ms = (seen_ns - ev_ns) / 1e6
                    lat.append(ms)
                    by_action[action].append(round(ms, 1))
                    if ms > 1000:
                        notes.append(f"{target} {action}: shown after {ms / 1000:.1f} s")
                else:
                    misses += 1
                    why = "no engine event" if not ev_ns else f"not shown within {STATE_TIMEOUT:.0f} s"
                    notes.append(f"{target} {action}: {why}")
                    log(f"  {target} {action}: {why}")
                time.sleep(random.uniform(0.6, 1.2))
                if action == "pause" and not ok:
                    # Leave it running; its unpause is not measured.
                    subprocess.run([DOCKER_CLI, "unpause", target], env=docker_env(a),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    notes.append(f"{target} unpause: not measured (the pause never showed)")
                    break
    finally:
        events.close()
        for target in targets:  # leave them running whatever happened
            subprocess.run([DOCKER_CLI, "unpause", target], env=docker_env(a),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return summarize(lat, misses, targets=targets, attempts=2 * len(targets), pause_ms=by_action["pause"],
                     unpause_ms=by_action["unpause"], notes=notes)


def key_latency(a, tries):
    """`j` -> the highlighted row moves (capture-pane -e)."""
    first = selected_name(capture(escapes=True))
    if not first:
        return {"error": "no highlighted row found"}
    log(f"key -> screen: pressing j {tries} times (highlight on {first})")
    lat, misses = [], 0
    current = first
    for _ in range(tries):
        before = current
        start = time.time_ns()
        tmux("send-keys", "-t", SESSION, "j")
        sel, seen_ns = wait_for(lambda: (lambda s: s if s and s != before else None)(
            selected_name(capture(escapes=True))), 3.0)
        if sel:
            lat.append((seen_ns - start) / 1e6)
            current = sel
        else:
            misses += 1
            now = selected_name(capture(escapes=True))
            current = now or current
        time.sleep(random.uniform(0.3, 0.6))
    return summarize(lat, misses, attempts=tries)


def summarize(values, misses, **extra):
    out = dict(extra)
    out["samples"] = [round(v, 1) for v in values]
    out["misses"] = misses
    if values:
        out["median_ms"] = round(statistics.median(values), 1)
        out["max_ms"] = round(max(values), 1)
    return out


def cmd_measure(a):
    res = {"tool": a.tool, "n": a.n, "seconds": a.seconds, "command": a.command}
    os.makedirs(a.state, exist_ok=True)

    # 1. The engine with nothing attached.
    log(f"{a.tool} N={a.n}: engine idle CPU over {a.idle} s")
    h0, e0, t0 = host_cpu(), engine_sample(a.engine_dir), time.monotonic()
    time.sleep(a.idle)
    h1, e1, t1 = host_cpu(), engine_sample(a.engine_dir), time.monotonic()
    res["engine_idle_pct"] = round(pct(engine_delta(e0, e1), t1 - t0), 2)
    res["engine_processes"] = len(e1)
    res["host_busy_idle_pct"] = round(100.0 * ncpu() * (h1[0] - h0[0]) / max(1, h1[1] - h0[1]), 1)

    # 2. The tool in a 200x50 pane through the relay.
    conf = os.path.join(a.state, "tmux.conf")
    with open(conf, "w") as f:
        f.write("set -g status off\nset -g default-terminal tmux-256color\n"
                "set -g history-limit 0\n")
    relay_state = os.path.join(a.state, "relay")
    inner = " ".join(shlex.quote(x) for x in [sys.executable, os.path.join(HERE, "relay.py"), relay_state, "--"] + a.command)
    tmux("-f", conf, "new-session", "-d", "-s", SESSION, "-x", str(WIDTH), "-y", str(HEIGHT),
         "exec " + inner)
    size = tmux("display-message", "-p", "-t", SESSION, "#{pane_width}x#{pane_height}").stdout.strip()
    res["pane"] = size
    pid_file = os.path.join(relay_state, "pid")
    deadline = time.monotonic() + 10
    while not os.path.exists(pid_file) and time.monotonic() < deadline:
        time.sleep(0.002)
    with open(pid_file) as f:
        pid, launched = (int(x) for x in f.read().split())
    res["pid"] = pid

    ok, seen = wait_for(lambda: NAME_RE.search(capture()) is not None, 30.0)
    if not ok:
        res["error"] = "no container name on screen within 30 s"
        log(res["error"])
        log(capture())
        stop_tool(pid, relay_state)
        return res
    res["first_frame_ms"] = round((seen - launched) / 1e6, 1)
    log(f"first frame after {res['first_frame_ms']} ms")
    time.sleep(5.0)

    # 3. The measurement window.
    log(f"measuring for {a.seconds} s")
    b0 = read_bytes(relay_state)
    c0, e0, h0, t0 = tool_ticks(pid), engine_sample(a.engine_dir), host_cpu(), time.monotonic()
    time.sleep(a.seconds)
    c1, e1, h1, t1 = tool_ticks(pid), engine_sample(a.engine_dir), host_cpu(), time.monotonic()
    b1 = read_bytes(relay_state)
    if c1 is None:
        res["error"] = "the tool ended during the measurement"
        return res
    span = t1 - t0
    res["cpu_pct"] = round(pct(c1 - c0, span), 2)
    res["engine_pct"] = round(pct(engine_delta(e0, e1), span), 2)
    res["engine_added_pct"] = round(res["engine_pct"] - res["engine_idle_pct"], 2)
    res["bytes_per_s"] = round((b1 - b0) / span, 1)
    res["host_busy_pct"] = round(100.0 * ncpu() * (h1[0] - h0[0]) / max(1, h1[1] - h0[1]), 1)
    res["threads"] = len(os.listdir(f"/proc/{pid}/task")) if os.path.exists(f"/proc/{pid}/task") else None
    res["children"] = len(descendants(pid))
    log(f"cpu {res['cpu_pct']} %, engine {res['engine_pct']} % (idle {res['engine_idle_pct']}), "
        f"{res['bytes_per_s']} B/s")
    res["screen"] = capture()

    # 4. Latencies (after the window: the pane polling costs CPU).
    if not a.key_only:
        res["event"] = event_latency(a, a.tries)
    res["key"] = key_latency(a, a.tries)
    res["rss_hwm_bytes"] = tool_hwm(pid)
    res["rss_now_bytes"] = vm_field(pid, "VmRSS")
    res["rss_anon_bytes"] = vm_field(pid, "RssAnon")
    res["rss_file_bytes"] = vm_field(pid, "RssFile")
    stop_tool(pid, relay_state)
    return res


def read_bytes(state):
    with open(os.path.join(state, "bytes")) as f:
        return int(f.read().split()[0])


def stop_tool(pid, relay_state):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not os.path.exists(os.path.join(relay_state, "exit")):
        time.sleep(0.05)
    if not os.path.exists(os.path.join(relay_state, "exit")):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    tmux("kill-session", "-t", SESSION, check=False)


# ---------------------------------------------------------------------------------------------
# table

TARGETS = {
    50: {"cpu": 1, "rss": 20, "engine": 2, "bytes": 2000, "first": 100, "event": 30, "key": None},
    200: {"cpu": 2, "rss": 30, "engine": 4, "bytes": 2000, "first": 200, "event": 50, "key": None},
    1000: {"cpu": 2, "rss": 80, "engine": None, "bytes": None, "first": 1000, "event": None, "key": 50},
}


def fmt_target(t, key, unit):
    v = t.get(key) if t else None
    if v is None:
        return ""
    return f"≤ {v:,}{unit}"


def mark(value, limit):
    if limit is None or value is None:
        return ""
    return " ✓" if value <= limit else " ✗"


def cell_lat(d, limit):
    if not d:
        return "–"
    if "error" in d:
        return d["error"]
    shown = len(d.get("samples", []))
    attempts = d.get("attempts", shown + d.get("misses", 0))
    if "median_ms" not in d:
        return f"never shown (0 of {attempts})"
    s = f"{d['median_ms']:,.0f} / {d['max_ms']:,.0f} ms{mark(d['median_ms'], limit)}"
    slow = sum(1 for v in d.get("samples", []) if v > 1000)
    extra = []
    if shown < attempts:
        extra.append(f"shown {shown} of {attempts}")
    if slow:
        extra.append(f"{slow} of {shown} > 1 s")
    if extra:
        s += f" ({', '.join(extra)})"
    return s


def cmd_table(a):
    rows = []
    for path in a.results:
        with open(path) as f:
            rows.append(json.load(f))
    rows.sort(key=lambda r: (r["n"], 0 if r["tool"] == "swtop" else 1))
    out = []
    out.append("| N | tool | own CPU (% of a core) | peak RSS | engine CPU added over idle (points) "
               "| terminal bytes/s idle | first frame | event → screen (median / max) "
               "| key → screen (median / max) |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    seen_n = set()
    for r in rows:
        n = r["n"]
        t = TARGETS.get(n)
        if n not in seen_n:
            seen_n.add(n)
            if t:
                out.append(f"| {n} | *target* | {fmt_target(t, 'cpu', ' %')} | {fmt_target(t, 'rss', ' MB')} "
                           f"| {fmt_target(t, 'engine', '')} | {fmt_target(t, 'bytes', '')} "
                           f"| {fmt_target(t, 'first', ' ms')} | {fmt_target(t, 'event', ' ms median')} "
                           f"| {fmt_target(t, 'key', ' ms')} |")
        if "error" in r and "cpu_pct" not in r:
            out.append(f"| {n} | {r['tool']} | error: {r['error']} | | | | | | |")
            continue
        own = r["tool"] == "swtop"
        tt = t if own else {}
        tt = tt or {}
        rss_mb = r.get("rss_hwm_bytes", 0) / 1e6
        out.append(
            f"| {n} | {r['tool']} "
            f"| {r['cpu_pct']:.2f} %{mark(r['cpu_pct'], tt.get('cpu'))} "
            f"| {rss_mb:.1f} MB{mark(rss_mb, tt.get('rss'))} "
            f"| {r['engine_added_pct']:+.2f}{mark(r['engine_added_pct'], tt.get('engine'))} "
            f"| {r['bytes_per_s']:,.0f}{mark(r['bytes_per_s'], tt.get('bytes'))} "
            f"| {r['first_frame_ms']:.0f} ms{mark(round(r['first_frame_ms']), tt.get('first'))} "
            f"| {cell_lat(r.get('event'), tt.get('event'))} "
            f"| {cell_lat(r.get('key'), tt.get('key'))} |")
    print("\n".join(out))
    print()
    print("Context per run (engine = dockerd + containerd + shims, % of one core; host busy = all CPUs, "
          f"{ncpu()} cores = {100 * ncpu()} %):")
    print()
    for r in rows:
        if "cpu_pct" not in r:
            continue
        ev = r.get("event") or {}
        print(f"- N={r['n']} {r['tool']}: engine idle {r['engine_idle_pct']:.2f} %, with the tool "
              f"{r['engine_pct']:.2f} % ({r['engine_processes']} engine processes); host busy "
              f"{r['host_busy_idle_pct']:.0f} % idle / {r['host_busy_pct']:.0f} % with the tool; "
              f"tool threads {r.get('threads')}, child processes {r.get('children')}; "
              f"RSS at the end {r.get('rss_now_bytes', 0) / 1e6:.1f} MB = anonymous "
              f"{r.get('rss_anon_bytes', 0) / 1e6:.1f} MB + file-backed (code) {r.get('rss_file_bytes', 0) / 1e6:.1f} MB; "
              f"window {r['seconds']} s; pane {r.get('pane')}")
        if ev:
            print(f"  - event -> screen (ms): pause {ev.get('pause_ms')}, unpause {ev.get('unpause_ms')}"
                  + (f"; {'; '.join(ev['notes'])}" if ev.get("notes") else ""))
        if r.get("key"):
            print(f"  - key -> screen (ms): {r['key'].get('samples')}")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("calm")
    c.add_argument("--engine-dir", required=True)
    c.add_argument("--max", type=float, default=120)
    m = sub.add_parser("measure")
    m.add_argument("--tool", required=True)
    m.add_argument("--n", type=int, required=True)
    m.add_argument("--engine-dir", required=True)
    m.add_argument("--docker-host", required=True)
    m.add_argument("--docker-config", required=True)
    m.add_argument("--state", required=True)
    m.add_argument("--seconds", type=float, default=60)
    m.add_argument("--idle", type=float, default=20)
    m.add_argument("--tries", type=int, default=10)
    m.add_argument("--key-only", action="store_true")
    m.add_argument("command", nargs="+")
    t = sub.add_parser("table")
    t.add_argument("results", nargs="+")
    a = p.parse_args()
    if a.cmd == "calm":
        return cmd_calm(a)
    if a.cmd == "measure":
        res = cmd_measure(a)
        json.dump(res, sys.stdout, indent=1)
        print()
        return 0 if "error" not in res else 1
    return cmd_table(a)


if __name__ == "__main__":
    sys.exit(main())
