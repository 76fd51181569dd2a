#!/usr/bin/env python3
"""PTY relay for Benchmarks/run.sh: runs a command on a fresh pseudo-terminal sized like our own
terminal (the tmux pane), copies its output to our stdout and our stdin to it, and counts the bytes
the command writes to its terminal.

    relay.py STATEDIR -- COMMAND [ARGS...]

Writes into STATEDIR:
  pid       the command's PID and its launch time (CLOCK_REALTIME ns): "PID NS"
  bytes     "TOTAL_BYTES NS_OF_LAST_UPDATE", replaced atomically at most every 50 ms while output flows
  exit      the command's wait status when it ends
The relay's own CPU is not part of any figure (run.sh measures the command's PID).
"""
import errno
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
import tty


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def winsize(fd):
    try:
        return fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8)
    except OSError:
        return struct.pack("HHHH", 50, 200, 0, 0)


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.stderr.write(__doc__)
        return 2
    state, argv = sys.argv[1], sys.argv[3:]
    os.makedirs(state, exist_ok=True)

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, winsize(0))
    launched = time.time_ns()
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        if slave > 2:
            os.close(slave)
        try:
            os.execvp(argv[0], argv)
        except OSError as e:
            os.write(2, f"relay: exec {argv[0]}: {e}\n".encode())
            os._exit(127)
    os.close(slave)
    write_atomic(os.path.join(state, "pid"), f"{pid} {launched}\n")

    def on_winch(_sig, _frame):
        try:
            fcntl.ioctl(master, termios.TIOCSWINSZ, winsize(0))
        except OSError:
            pass

    signal.signal(signal.SIGWINCH, on_winch)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda s, f: os.kill(pid, signal.SIGTERM))

    stdin_is_tty = os.isatty(0)
    saved = None
    if stdin_is_tty:
        saved = termios.tcgetattr(0)
        tty.setraw(0)

    total = 0
    written = -1
    last_write = 0.0
    bytes_path = os.path.join(state, "bytes")
    write_atomic(bytes_path, f"0 {time.time_ns()}\n")
    fds = [master, 0]
    try:
        while True:
            try:
                ready, _, _ = select.select(fds, [], [], 0.05)
            except InterruptedError:
                continue
            if master in ready:
                try:
                    data = os.read(master, 65536)
                except OSError as e:
                    if e.errno == errno.EIO:
                        break
                    raise
                if not data:
                    break
                total += len(data)
                view = memoryview(data)
                while view:
                    n = os.write(1, view)
                    view = view[n:]
            if 0 in ready:
                try:
                    data = os.read(0, 4096)
                except OSError:
                    data = b""
                if data:
                    os.write(master, data)
                else:
                    fds = [master]
            now = time.monotonic()
            if total != written and now - last_write >= 0.05:
                write_atomic(bytes_path, f"{total} {time.time_ns()}\n")
                written = total
                last_write = now
    finally:
        write_atomic(bytes_path, f"{total} {time.time_ns()}\n")
        if saved is not None:
            termios.tcsetattr(0, termios.TCSADRAIN, saved)
        _, status = os.waitpid(pid, 0)
        write_atomic(os.path.join(state, "exit"), f"{status}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
