#!/usr/bin/env python3
"""Measurements for Benchmarks/exec.sh (which starts the engine and the container, and holds the locks).

  execbench.py oneshot     --swtop BIN --docker BIN --host unix://S --engine-dir D --container C --out DIR
                           [--runs 20] [--warmup 2]
      `TOOL exec C true` and `echo hi | TOOL exec -i C cat`, both tools in turn; JSON on stdout
  execbench.py interactive --swtop BIN --docker BIN --host unix://S --container C --out DIR
                           [--sessions 10] [--keys 50]
      `TOOL exec -it C sh` in a tmux pane: Enter -> prompt, keystroke -> echo, `exit 7` -> back; JSON
  execbench.py dashboard   --swtop BIN --host unix://S --container C --out DIR [--cycles 10]
      the dashboard in a tmux pane: e -> the container's prompt, exit -> the dashboard again; JSON
  execbench.py table       ONESHOT.json INTERACTIVE.json DASHBOARD.json
      the markdown table

One-shot runs are children timed from outside (time.monotonic() before the fork to after wait4()
reaps them); their ru_maxrss and ru_utime + ru_stime come from that wait4(). The engine's CPU over a
run is utime + stime + cutime + cstime of dockerd, containerd and the container's shim
(/proc/PID/stat) from before the fork to 50 ms after the child is reaped: the children those reap count
too, which are the `runc exec` of every exec and the command run in the container (the shim is its
subreaper). Clock ticks are 10 ms, so the per-run figure is summed over the runs and divided by their
number (the mean).

The tmux figures poll `capture-pane` (a tmux client process per poll, ~1-3 ms each) on a server of
its own (-L swtop-execbench); a time starts just before the `send-keys` that presses the key. The
same loop against the outer bash's own line editor gives the floor of what this way of measuring can
see (tmux, the polling), printed beside the figures.
"""
import argparse
import json
import os
import random
import re
import shlex
import statistics
import string
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench import CLK_TCK, engine_pids, read_stat  # noqa: E402  (the engine's processes from /proc)

TMUX_SOCKET = "swtop-execbench"
SESSION = "execbench"
WIDTH, HEIGHT = 120, 30
OUTER_PROMPT = "EXB$"
INNER_PROMPT = "/ #"
EXIT_RE = re.compile(r"^EXIT=(\d+)$")
ENGINE_SETTLE_S = 0.05
MB = 1024 * 1024
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def log(msg):
    sys.stderr.write(f"[exec] {msg}\n")
    sys.stderr.flush()


# ---------------------------------------------------------------------------------------------
# the engine's CPU


def engine_ticks(engine_dir):
    """utime + stime + cutime + cstime summed over the engine's processes (dockerd, containerd, shims)."""
    total = 0
    for pid in engine_pids(engine_dir):
        st = read_stat(pid)
        if st:
            total += st[2] + st[3] + st[4] + st[5]
    return total


# ---------------------------------------------------------------------------------------------
# one-shot


def tool_env(a):
    """An empty HOME and DOCKER_CONFIG for both tools: no config.json, no swtop config."""
    home = os.path.join(os.path.abspath(a.out), "home")
    os.makedirs(os.path.join(home, "docker-config"), exist_ok=True)
    return {"PATH": PATH, "HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"),
            "DOCKER_CONFIG": os.path.join(home, "docker-config"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "TERM": "dumb"}


def tool_words(a, tool):
    """The tool's words up to `exec`, under unshare -n."""
    if tool == "swtop":
        return ["unshare", "-n", a.swtop, "exec", "-H", a.host]
    return ["unshare", "-n", a.docker, "-H", a.host, "exec"]


def run_once(cmd, env, stdin_bytes, timeout=60.0):
    """One child timed from outside: wall, ru_maxrss, CPU, exit code, output."""
    with tempfile.TemporaryFile() as out:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, env=env, cwd="/", stdin=subprocess.PIPE if stdin_bytes is not None else
                             subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        if stdin_bytes is not None:
            p.stdin.write(stdin_bytes)
            p.stdin.close()
        deadline = t0 + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                os.killpg(p.pid, 9)
                os.wait4(p.pid, 0)
                p.returncode = -9
                return {"error": f"timed out after {timeout} s", "wall_s": time.monotonic() - t0}
            time.sleep(0.0005)
        wall = time.monotonic() - t0
        out.seek(0)
        text = out.read().decode(errors="replace")
    p.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": wall, "maxrss_bytes": ru.ru_maxrss * 1024, "cpu_s": ru.ru_utime + ru.ru_stime,
            "user_s": ru.ru_utime, "sys_s": ru.ru_stime, "exit": p.returncode, "output": text[-400:]}


ONESHOT_CASES = {
    # case: (arguments after exec, stdin, expected output)
    "true": (["{c}", "true"], None, ""),
    "cat": (["-i", "{c}", "cat"], b"hi\n", "hi\n"),
}


def cmd_oneshot(a):
    env = tool_env(a)
    tools = ["swtop", "docker"]
    results = {case: {t: [] for t in tools} for case in ONESHOT_CASES}
    commands = {}

    def one(case, tool, record):
        args, stdin, expected = ONESHOT_CASES[case]
        cmd = tool_words(a, tool) + [x.format(c=a.container) for x in args]
        commands.setdefault(case, {})[tool] = cmd
        before = engine_ticks(a.engine_dir)
        r = run_once(cmd, env, stdin)
        time.sleep(ENGINE_SETTLE_S)  # what the engine does after the tool has its exit code counts too
        r["engine_ticks"] = engine_ticks(a.engine_dir) - before
        r["ok"] = "error" not in r and r["exit"] == 0 and r["output"] == expected
        if record:
            results[case][tool].append(r)
        if not r["ok"]:
            log(f"{case} {tool}: exit {r.get('exit')}, output {r.get('output')!r} {r.get('error', '')}")
        return r

    # The floor both tools stand on: a new network namespace and an exec, nothing else.
    floor = [run_once(["unshare", "-n", "/bin/true"], env, None)["wall_s"] for _ in range(a.runs)]
    log(f"floor (unshare -n /bin/true): median {statistics.median(floor) * 1000:.1f} ms")
    for case in ONESHOT_CASES:
        for w in range(a.warmup):
            for tool in tools:
                one(case, tool, False)
        for rnd in range(1, a.runs + 1):
            order = tools if rnd % 2 else list(reversed(tools))
            for tool in order:
                one(case, tool, True)
        for tool in tools:
            walls = [r["wall_s"] for r in results[case][tool] if r["ok"]]
            if walls:
                log(f"{case} {tool}: wall median {statistics.median(walls) * 1000:.1f} ms over {len(walls)} runs")
    json.dump({"runs": a.runs, "warmup": a.warmup, "clk_tck": CLK_TCK, "floor_wall_s": floor, "commands": commands,
               "results": results},
              sys.stdout, indent=1)
    print()
    return 0


# ---------------------------------------------------------------------------------------------
# tmux


def tmux(*args, check=True):
    return subprocess.run(["tmux", "-L", TMUX_SOCKET] + list(args), check=check,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def lines():
    r = tmux("capture-pane", "-p", "-t", SESSION, check=False)
    return [x.rstrip() for x in r.stdout.split("\n")] if r.returncode == 0 else []


def send(*keys):
    tmux("send-keys", "-t", SESSION, *keys)


def literal(text):
    tmux("send-keys", "-t", SESSION, "-l", text)


def wait_for(pred, timeout=20.0, what=""):
    """Polls capture-pane about every 2 ms until pred(lines) holds: (lines, monotonic time) or raises."""
    deadline = time.monotonic() + timeout
    while True:
        ls = lines()
        t = time.monotonic()
        if pred(ls):
            return ls, t
        if t > deadline:
            raise TimeoutError(f"timed out waiting for {what}; screen:\n" + "\n".join(x for x in ls if x))
        time.sleep(0.002)


def timed(keys, pred, what, is_literal=False, timeout=20.0):
    """Seconds from just before send-keys to the first capture that satisfies pred."""
    t0 = time.monotonic()
    if is_literal:
        literal(keys)
    else:
        send(*keys)
    _, t1 = wait_for(pred, timeout, what)
    return t1 - t0


def last_line(ls):
    ls = [x for x in ls if x]
    return ls[-1] if ls else ""


def start_server(a, command):
    """A tmux server of its own, status line off: a 120x30 pane running command."""
    conf = os.path.join(os.path.abspath(a.out), "tmux.conf")
    with open(conf, "w") as f:
        f.write("set -g status off\nset -g default-terminal tmux-256color\nset -g history-limit 2000\n"
                "set -g escape-time 0\n")
    tmux("kill-server", check=False)
    tmux("-f", conf, "new-session", "-d", "-s", SESSION, "-x", str(WIDTH), "-y", str(HEIGHT), command)


def outer_shell(a):
    """bash without rc files, prompt OUTER_PROMPT, the tools' environment."""
    env = tool_env(a)
    env.update(TERM="tmux-256color", PS1=OUTER_PROMPT + " ")
    words = ["env", "-i"] + [f"{k}={v}" for k, v in env.items()] + ["bash", "--norc", "--noprofile"]
    start_server(a, " ".join(shlex.quote(x) for x in words))
    wait_for(lambda ls: last_line(ls) == OUTER_PROMPT, 10, "the outer prompt")


def clear_outer():
    send("C-u")
    literal("clear")
    send("Enter")
    wait_for(lambda ls: [x for x in ls if x] == [OUTER_PROMPT], 10, "a clear screen")
    tmux("clear-history", "-t", SESSION, check=False)


def key_echo(prompt, samples, rng):
    """samples x: a printable char -> the prompt line shows it; C-u -> the bare prompt again."""
    out = []
    for _ in range(samples):
        ch = rng.choice(string.ascii_lowercase)
        want = f"{prompt} {ch}"
        out.append(timed(ch, lambda ls, w=want: last_line(ls) == w, f"the echo of {ch!r}", is_literal=True))
        send("C-u")
        wait_for(lambda ls: last_line(ls) == prompt, 10, "the line cleared")
    return out


def cmd_interactive(a):
    rng = random.Random(7)
    tools = ["swtop", "docker"]
    results = {t: [] for t in tools}
    outer_shell(a)
    floor = key_echo(OUTER_PROMPT, a.keys, rng)
    log(f"floor (bash's own echo): median {statistics.median(floor) * 1000:.1f} ms")
    commands = {}
    for session in range(1, a.sessions + 1):
        order = tools if session % 2 else list(reversed(tools))
        for tool in order:
            clear_outer()
            words = tool_words(a, tool) + ["-it", a.container, "sh"]
            commands[tool] = words
            line = " ".join(shlex.quote(x) for x in words) + '; echo "EXIT=$?"'
            literal(line)
            wait_for(lambda ls: "EXIT=$?" in "".join(ls), 10, "the command line")
            r = {"session": session}
            try:
                r["prompt_s"] = timed(["Enter"], lambda ls: last_line(ls) == INNER_PROMPT, "the container's prompt")
                r["echo_s"] = key_echo(INNER_PROMPT, a.keys, rng)
                literal("exit 7")
                wait_for(lambda ls: last_line(ls) == INNER_PROMPT + " exit 7", 10, "exit 7 typed")
                r["exit_s"] = timed(["Enter"], lambda ls: any(EXIT_RE.match(x) for x in ls), "EXIT=")
                ls, _ = wait_for(lambda ls: last_line(ls) == OUTER_PROMPT, 10, "the outer prompt")
                codes = [int(m.group(1)) for m in map(EXIT_RE.match, ls) if m]
                r["exit_code"] = codes[-1]
                r["ok"] = r["exit_code"] == 7
            except TimeoutError as e:
                r["error"] = str(e)
                r["ok"] = False
                log(f"session {session} {tool}: {e}")
                send("C-c")
                send("C-d")
                time.sleep(1)
            results[tool].append(r)
            if r["ok"]:
                log(f"session {session} {tool}: prompt {r['prompt_s'] * 1000:.1f} ms, echo median "
                    f"{statistics.median(r['echo_s']) * 1000:.1f} ms, exit 7 -> back {r['exit_s'] * 1000:.1f} ms")
            else:
                log(f"session {session} {tool}: failed ({r.get('exit_code', r.get('error', '?'))})")
    tmux("kill-server", check=False)
    json.dump({"sessions": a.sessions, "keys": a.keys, "size": f"{WIDTH}x{HEIGHT}", "floor_echo_s": floor,
               "commands": commands, "results": results}, sys.stdout, indent=1)
    print()
    return 0


def cmd_dashboard(a):
    out = os.path.abspath(a.out)
    outer_shell(a)
    words = ["unshare", "-n", a.swtop, "-H", a.host, "--log-file", os.path.join(out, "swtop-dashboard.log")]
    literal(" ".join(shlex.quote(x) for x in words) + '; echo "EXIT=$?"')
    c = a.container

    def dashboard(ls):
        text = "\n".join(ls)
        return "NAME" in text and any(c in x for x in ls) and not any(x.startswith(INNER_PROMPT) for x in ls)

    def prompt(ls):
        return last_line(ls) == INNER_PROMPT

    first = timed(["Enter"], dashboard, "the dashboard with the container")
    send("/")
    literal(c)
    send("Enter")
    # The filter took: the container's row and no other container's (the list shows only it).
    wait_for(lambda ls: dashboard(ls) and sum(c in x for x in ls) >= 1, 10, "the filtered list")
    time.sleep(0.5)
    cycles = []
    for i in range(1, a.cycles + 1):
        r = {"cycle": i}
        try:
            r["e_prompt_s"] = timed(["e"], prompt, "the container's prompt after e")
            literal("exit")
            wait_for(lambda ls: last_line(ls) == INNER_PROMPT + " exit", 10, "exit typed")
            r["exit_dashboard_s"] = timed(["Enter"], dashboard, "the dashboard again")
            r["ok"] = True
            log(f"cycle {i}: e -> prompt {r['e_prompt_s'] * 1000:.1f} ms, exit -> dashboard "
                f"{r['exit_dashboard_s'] * 1000:.1f} ms")
        except TimeoutError as e:
            r["ok"], r["error"] = False, str(e)
            log(f"cycle {i}: {e}")
            break
        cycles.append(r)
        time.sleep(0.3)
    send("q")
    ls, _ = wait_for(lambda ls: any(EXIT_RE.match(x) for x in ls), 10, "swtop's exit")
    code = [int(m.group(1)) for m in map(EXIT_RE.match, ls) if m][-1]
    tmux("kill-server", check=False)
    json.dump({"cycles": a.cycles, "size": f"{WIDTH}x{HEIGHT}", "command": words, "first_frame_s": first,
               "results": cycles, "swtop_exit": code}, sys.stdout, indent=1)
    print()
    return 0


# ---------------------------------------------------------------------------------------------
# the table


def ms(v):
    return "–" if v is None else f"{v * 1000:.1f} ms"


def spread(values, fmt):
    """median (min – max)"""
    if not values:
        return "–"
    return f"{fmt(statistics.median(values))} ({fmt(min(values))} – {fmt(max(values))})"


def ratio(x, y):
    if not x or not y:
        return "–"
    return f"{statistics.median(x) / statistics.median(y):.2f}"


def cmd_table(a):
    with open(a.oneshot) as f:
        one = json.load(f)
    inter = dash = None
    if a.interactive and os.path.exists(a.interactive):
        with open(a.interactive) as f:
            inter = json.load(f)
    if a.dashboard and os.path.exists(a.dashboard):
        with open(a.dashboard) as f:
            dash = json.load(f)
    rows = []
    tick = 1.0 / one["clk_tck"]
    mbf = lambda v: f"{v / MB:.1f} MB"  # noqa: E731
    msf = lambda v: f"{v * 1000:.1f} ms"  # noqa: E731

    def oneshot_rows(case, label):
        res = one["results"][case]
        good = {t: [r for r in res[t] if r["ok"]] for t in res}
        fails = {t: len(res[t]) - len(good[t]) for t in res}

        def fig(key):
            return {t: [r[key] for r in good[t]] for t in good}

        w, rss, cpu = fig("wall_s"), fig("maxrss_bytes"), fig("cpu_s")
        rows.append((f"{label}: wall", spread(w["swtop"], msf), spread(w["docker"], msf), ratio(w["swtop"], w["docker"])))
        rows.append((f"{label}: peak RSS", spread(rss["swtop"], mbf), spread(rss["docker"], mbf),
                     ratio(rss["swtop"], rss["docker"])))
        rows.append((f"{label}: CPU (user + sys)", spread(cpu["swtop"], msf), spread(cpu["docker"], msf),
                     ratio(cpu["swtop"], cpu["docker"])))
        eng = {t: (sum(r["engine_ticks"] for r in res[t]) * tick / len(res[t]) if res[t] else None) for t in res}
        rows.append((f"{label}: engine CPU (mean per exec)", ms(eng["swtop"]), ms(eng["docker"]),
                     f"{eng['swtop'] / eng['docker']:.2f}" if eng["swtop"] and eng["docker"] else "–"))
        rows.append((f"{label}: failed runs", f"{fails['swtop']} of {len(res['swtop'])}",
                     f"{fails['docker']} of {len(res['docker'])}", ""))

    if one.get("floor_wall_s"):
        rows.append(("floor: `unshare -n /bin/true`, wall", spread(one["floor_wall_s"], msf), "", ""))
    oneshot_rows("true", "`exec C true`")
    oneshot_rows("cat", "`echo hi \\| exec -i C cat`")
    if inter:
        res = inter["results"]
        good = {t: [r for r in res[t] if r["ok"]] for t in res}
        p = {t: [r["prompt_s"] for r in good[t]] for t in good}
        e = {t: [x for r in good[t] for x in r["echo_s"]] for t in good}
        x = {t: [r["exit_s"] for r in good[t]] for t in good}
        rows.append(("`exec -it C sh`: Enter → `/ # `", spread(p["swtop"], msf), spread(p["docker"], msf),
                     ratio(p["swtop"], p["docker"])))
        rows.append((f"`exec -it C sh`: key → echo ({inter['keys']} per session; bash's own echo "
                     f"{ms(statistics.median(inter['floor_echo_s']))})",
                     spread(e["swtop"], msf), spread(e["docker"], msf), ratio(e["swtop"], e["docker"])))
        rows.append(("`exec -it C sh`: `exit 7` → `EXIT=7` in the outer shell", spread(x["swtop"], msf),
                     spread(x["docker"], msf), ratio(x["swtop"], x["docker"])))
        rows.append(("`exec -it C sh`: sessions with exit status 7",
                     f"{len(good['swtop'])} of {len(res['swtop'])}", f"{len(good['docker'])} of {len(res['docker'])}",
                     ""))
    if dash:
        d = [r for r in dash["results"] if r["ok"]]
        ep = [r["e_prompt_s"] for r in d]
        back = [r["exit_dashboard_s"] for r in d]
        ref = {t: [r["prompt_s"] for r in inter["results"][t] if r["ok"]] for t in inter["results"]} if inter else {}
        rows.append(("dashboard: `e` → `/ # ` (docker CLI: its `exec -it` from a shell, above)", spread(ep, msf),
                     spread(ref.get("docker", []), msf), ratio(ep, ref.get("docker"))))
        rows.append(("dashboard: `exit` → the list drawn again", spread(back, msf), "", ""))
        rows.append(("dashboard: cycles completed", f"{len(d)} of {dash['cycles']}", "", ""))
    print("| measure | swtop | docker CLI | swtop / docker |")
    print("|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    print(f"Medians (min – max): {one['runs']} runs of each one-shot command per tool after {one['warmup']} "
          "warm-up runs, alternating which tool goes first"
          + (f"; {inter['sessions']} interactive sessions per tool ({inter['keys']} keystrokes each)" if inter else "")
          + (f"; {dash['cycles']} dashboard cycles" if dash else "") + ".")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name, fn in (("oneshot", cmd_oneshot), ("interactive", cmd_interactive), ("dashboard", cmd_dashboard)):
        s = sub.add_parser(name)
        s.set_defaults(fn=fn)
        s.add_argument("--swtop", required=True)
        s.add_argument("--host", required=True)
        s.add_argument("--container", required=True)
        s.add_argument("--out", required=True)
        if name != "dashboard":
            s.add_argument("--docker", default=os.environ.get("SWTOP_DOCKER_CLI", "/usr/bin/docker"))
        if name == "oneshot":
            s.add_argument("--engine-dir", required=True)
            s.add_argument("--runs", type=int, default=20)
            s.add_argument("--warmup", type=int, default=2)
        if name == "interactive":
            s.add_argument("--sessions", type=int, default=10)
            s.add_argument("--keys", type=int, default=50)
        if name == "dashboard":
            s.add_argument("--cycles", type=int, default=10)
    t = sub.add_parser("table")
    t.add_argument("oneshot")
    t.add_argument("interactive", nargs="?")
    t.add_argument("dashboard", nargs="?")
    t.set_defaults(fn=cmd_table)
    a = p.parse_args()
    sys.exit(a.fn(a) or 0)


if __name__ == "__main__":
    main()
