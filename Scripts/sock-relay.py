#!/usr/bin/env python3
"""A unix-socket relay for swtop's fleet tests: an engine that can be made to vanish or to hang.

    sock-relay.py LISTEN_PATH TARGET_PATH [--hang]

Forwards every connection on LISTEN_PATH to TARGET_PATH, both ways, until killed. With --hang it
accepts connections and never answers (an engine that does not respond). Killing the relay drops every
connection at once, as a crashed engine or a cut link would. Prints "ready" once it listens.
"""
import os
import select
import socket
import sys
import threading


def pump(a, b):
    try:
        while True:
            ready, _, _ = select.select([a, b], [], [])
            for s in ready:
                data = s.recv(65536)
                if not data:
                    return
                (b if s is a else a).sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.close()
            except OSError:
                pass


def main():
    listen_path, target_path = sys.argv[1], sys.argv[2]
    hang = "--hang" in sys.argv[3:]
    try:
        os.unlink(listen_path)
    except FileNotFoundError:
        pass
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(listen_path)
    server.listen(64)
    print("ready", flush=True)
    held = []
    while True:
        client, _ = server.accept()
        if hang:
            held.append(client)
            continue
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            upstream.connect(target_path)
        except OSError:
            client.close()
            continue
        threading.Thread(target=pump, args=(client, upstream), daemon=True).start()


if __name__ == "__main__":
    main()
