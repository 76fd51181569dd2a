#!/usr/bin/env python3
"""A fake Docker engine for fault injection only (the real engines cover everything else).

Serves just enough of API 1.41 on a unix socket to drive swtop, and misbehaves on purpose:
- /containers/json holds one element of the wrong shape between two good ones;
- /events sends one good event, then a line that is not JSON, then holds the connection open;
- /containers/{id}/stats answers with truncated JSON;
- /containers/{id}/stop fails with HTTP 500 and an engine message;
- /containers/{good-one}/json (inspect) answers once, then fails with HTTP 500.
GET /__counts returns how often each path was asked for, so a test can see the resyncs.

Usage: fake-engine.py SOCKET_PATH
"""
import json
import os
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler

COUNTS = {}
LOCK = threading.Lock()

CONTAINERS = [
    {"Id": "a" * 64, "Names": ["/good-one"], "Image": "busybox", "State": "running", "Status": "Up 1 minute",
     "Created": 1700000000, "Labels": {}},
    {"Id": 7, "Names": "not-a-list"},
    {"Id": "b" * 64, "Names": ["/good-two"], "Image": "busybox", "State": "exited", "Status": "Exited (0) 1 minute ago",
     "Created": 1700000001, "FieldFromTheFuture": {"x": [1, 2]}},
]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def count(self, key):
        with LOCK:
            COUNTS[key] = COUNTS.get(key, 0) + 1

    def send_json(self, status, payload, raw=None):
        body = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        key = path.replace("/v1.41", "")
        self.count(key)
        if path == "/_ping":
            body = b"OK"
            self.send_response(200)
            self.send_header("Api-Version", "1.41")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(body)
        elif path == "/__counts":
            with LOCK:
                self.send_json(200, dict(COUNTS))
        elif key == "/version":
            self.send_json(200, {"Version": "0.0-fake", "ApiVersion": "1.41", "Os": "linux"})
        elif key == "/info":
            self.send_json(200, {"Containers": 2, "Images": 0, "Driver": "fake", "MemTotal": 1073741824})
        elif key == "/containers/json":
            self.send_json(200, CONTAINERS)
        elif key in ("/images/json", "/networks"):
            self.send_json(200, [])
        elif key == "/volumes":
            self.send_json(200, {"Volumes": None})
        elif key.endswith("/stats"):
            self.send_json(200, None, raw=b'{"cpu_stats": {"cpu_usage": ')
        elif key == "/containers/" + "a" * 64 + "/json":
            if COUNTS[key] == 1:
                self.send_json(200, {"Id": "a" * 64, "Name": "/good-one", "Path": "sleep", "Args": ["3600"],
                                     "State": {"Status": "running", "Running": True,
                                               "StartedAt": "2023-11-14T22:13:20.123456789Z"},
                                     "HostConfig": {"RestartPolicy": {"Name": "always"}}})
            else:
                self.send_json(500, {"message": "fake engine: inspect failed"})
        elif key.endswith("/json"):
            self.send_json(404, {"message": "No such container: fake"})
        elif key.endswith("/logs"):
            # A framed log whose engine reports an error inside the stream (stream 3), then is cut
            # in the middle of a frame: each request sends the same, so a client that resumes from the
            # last timestamp must not show "hello" twice.
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.docker.multiplexed-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            def frame(stream, payload):
                return bytes([stream, 0, 0, 0]) + len(payload).to_bytes(4, "big") + payload
            pieces = [frame(1, b"2023-11-14T22:13:20.000000001Z hello\n"),
                      frame(3, b"2023-11-14T22:13:20.000000002Z Error grabbing logs: log file is corrupt\n"),
                      frame(1, b"2023-11-14T22:13:20.000000003Z cut here\n")[:12]]
            for piece in pieces:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        elif key == "/events":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            good = json.dumps({"Type": "container", "Action": "start", "Actor": {"ID": "a" * 64},
                               "time": int(time.time())}).encode() + b"\n"
            for piece in (good, b"{this is not json\n"):
                time.sleep(0.2)
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
            time.sleep(30)
        else:
            self.send_json(404, {"message": "page not found"})

    def do_POST(self):
        key = self.path.split("?")[0].replace("/v1.41", "")
        self.count(key)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if key.endswith("/stop"):
            self.send_json(500, {"message": "fake engine says no"})
        else:
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        request, _ = super().get_request()
        return request, ("fake", 0)


def main():
    path = sys.argv[1]
    if os.path.exists(path):
        os.unlink(path)
    with Server(path, Handler) as server:
        print("ready", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
