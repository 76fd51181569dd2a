#!/usr/bin/env python3
"""Measures one swtop dashboard run for Benchmarks/fleet.sh (see there): swtop in a 200x50 tmux pane
watching one or two engines, one of them possibly over ssh://.

    fleetbench.py measure --engine NAME=DOCKER_HOST:CLI_CONFIG[:PREFIX] ... [--ssh-port P]
                          [--seconds 60] [--tries 10] -- SWTOP ARGS...

Prints one JSON object: first frame, own CPU % (swtop's process, all threads) and its ssh children's
apart, peak RSS of each, the most established TCP connections to the sshd port seen while measuring,
and event -> screen per engine (docker pause / unpause of PREFIX-0007: the engine event's timeNano ->
the pane shows the new state).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (the /proc, tmux and docker-events helpers)

bench.TMUX_SOCKET = "swtop-fleet"
bench.SESSION = "fleet"


def log(msg):
    sys.stderr.write(f"[fleet] {msg}\n")
    sys.stderr.flush()


def ssh_connections(port):
    if not port:
        return 0
    r = subprocess.run(["ss", "-tnH", "state", "established", f"( dport = :{port} )"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return len([line for line in r.stdout.splitlines() if line.strip()])


def ticks_of(pid):
    st = bench.read_stat(pid)
    return (st[2] + st[3]) if st else 0


def ssh_children(pid):
    return [p for p in bench.descendants(pid) if (bench.read_stat(p) or ("",))[0] == "ssh"]


def docker(engine, *args):
    env = dict(os.environ, DOCKER_HOST=engine["host"], DOCKER_CONFIG=engine["config"])
    return subprocess.run([bench.DOCKER_CLI] + list(args), env=env, check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True).stdout


def shows(name, paused):
    def check():
        row = bench.row_of(bench.capture(), name)
        return row is not None and (("paused" in row.lower()) == paused)
    return check


def measure(a):
    engines = []
    for spec in a.engine:
        name, rest = spec.split("=", 1)
        host, config, prefix = (rest.split("|") + [name[0]])[:3]
        engines.append({"name": name, "host": host, "config": config, "prefix": prefix})
    command = " ".join(a.command)
    bench.tmux("kill-server", check=False)
    t0 = time.time_ns()
    bench.tmux("new-session", "-d", "-s", bench.SESSION, "-x", str(bench.WIDTH), "-y", str(bench.HEIGHT), command)
    pid = int(bench.tmux("display", "-p", "-t", bench.SESSION, "#{pane_pid}").stdout.strip())
    want = [f"{e['prefix']}-0001" for e in engines[:1]]
    states = [f"● {e['name']}" for e in engines] if len(engines) > 1 else []

    def first():
        screen = bench.capture()
        return all(w in screen for w in want + states)
    ok, t1 = bench.wait_for(first, 60, 0.01)
    if not ok:
        return {"error": "no first frame", "screen": bench.capture()}
    result = {"first_frame_ms": (t1 - t0) / 1e6, "engines": [e["name"] for e in engines]}
    time.sleep(5)

    # Own CPU and the ssh children's, over the window; the connection count sampled through it.
    children = ssh_children(pid)
    c0, s0 = ticks_of(pid), sum(ticks_of(c) for c in children)
    most = ssh_connections(a.ssh_port)
    start = time.monotonic()
    while time.monotonic() - start < a.seconds:
        time.sleep(min(5, a.seconds))
        most = max(most, ssh_connections(a.ssh_port))
    elapsed = time.monotonic() - start
    children = ssh_children(pid)
    c1, s1 = ticks_of(pid), sum(ticks_of(c) for c in children)
    result["cpu_pct"] = bench.pct(c1 - c0, elapsed)
    result["ssh_cpu_pct"] = bench.pct(s1 - s0, elapsed)
    result["ssh_processes"] = len(children)
    result["ssh_connections_max"] = most

    # Event -> screen per engine: filter to the 7th container of each ("0007": a leading "-" would be taken
    # for an option by tmux), then pause / unpause.
    bench.tmux("send-keys", "-t", bench.SESSION, "/", check=False)
    bench.tmux("send-keys", "-t", bench.SESSION, "-l", "0007", check=False)
    bench.tmux("send-keys", "-t", bench.SESSION, "Enter", check=False)
    time.sleep(1)
    for e in engines:
        events = bench.EventLog(e["host"], e["config"])
        time.sleep(0.5)
        name = f"{e['prefix']}-0007"
        lat, misses, notes = [], 0, []
        for i in range(a.tries):
            paused = i % 2 == 0
            if not bench.wait_for(shows(name, not paused), 20, 0.05)[0]:
                misses += 1
                notes.append(f"{name}: not shown {'running' if paused else 'paused'} before; row: {bench.row_of(bench.capture(), name)!r}")
                continue
            before = time.time_ns()
            # The CLI runs while the pane is polled: the screen may change before the CLI returns.
            env = dict(os.environ, DOCKER_HOST=e["host"], DOCKER_CONFIG=e["config"])
            cli = subprocess.Popen([bench.DOCKER_CLI, "pause" if paused else "unpause", name], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            ok, seen = bench.wait_for(shows(name, paused), bench.STATE_TIMEOUT, 0.0)
            cli.wait()
            ev = events.time_of(name, "pause" if paused else "unpause", before - 1_000_000_000)
            if not ok or ev is None:
                misses += 1
                notes.append(f"{name}: {'no engine event' if ev is None else 'not shown after'}; row: {bench.row_of(bench.capture(), name)!r}")
                continue
            lat.append((seen - ev) / 1e6)
            time.sleep(0.6)
        if bench.wait_for(shows(name, True), 1, 0.05)[0]:
            docker(e, "unpause", name)
        events.close()
        result[f"event_ms_{e['name']}"] = {"median": statistics.median(lat) if lat else None,
                                           "p90": sorted(lat)[int(0.9 * (len(lat) - 1))] if lat else None,
                                           "n": len(lat), "misses": misses, "notes": notes[:4]}
    result["rss_mb"] = bench.vm_field(pid, "VmHWM") / 1e6
    result["ssh_rss_mb"] = sum(bench.vm_field(c, "VmHWM") for c in ssh_children(pid)) / 1e6
    bench.tmux("send-keys", "-t", bench.SESSION, "q", check=False)
    time.sleep(1)
    bench.tmux("kill-server", check=False)
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("cmd", choices=["measure"])
    p.add_argument("--engine", action="append", required=True)
    p.add_argument("--ssh-port", type=int, default=0)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--tries", type=int, default=10)
    p.add_argument("command", nargs="+")
    a = p.parse_args()
    res = measure(a)
    json.dump(res, sys.stdout, indent=1)
    print()
    return 0 if "error" not in res else 1


if __name__ == "__main__":
    sys.exit(main())
