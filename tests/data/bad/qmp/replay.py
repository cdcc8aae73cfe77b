#!/usr/bin/env python3
"""A QMP monitor that answers from a script (tests/bad-input.bats).

Usage: replay.py CASE_FILE SOCKET [LOG]

The case file's first line is sent on connect (the greeting); each request
the client sends is answered with the next line, where @ID@ becomes that
request's "id" (as JSON) and @NL@ a newline (several messages in one
answer, e.g. events before a reply). A line that starts with
"@FOR=command@ " answers only a request to execute that command (vbtool
may pipeline or skip queries, so order alone does not say which reply is
which); the other lines answer the other requests in order. Lines are sent as bytes, untouched otherwise, so
a case may hold anything. When the lines run out the monitor hangs up.
Requests are appended to LOG when given."""
import json
import os
import re
import socket
import sys
import threading


def serve(conn, lines, log):
    with conn:
        tagged = {}
        plain = []
        for line in lines[1:]:
            m = re.match(rb"@FOR=([A-Za-z0-9_-]+)@ ", line)
            if m:
                tagged.setdefault(m.group(1), []).append(line[m.end():])
            else:
                plain.append(line)
        it = iter(plain)
        greeting = lines[0] if lines else None
        if greeting is None:
            return
        conn.sendall(greeting + b"\n")
        buf = b""
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            buf += data
            while b"\n" in buf:
                req, buf = buf.split(b"\n", 1)
                if not req.strip():
                    continue
                if log:
                    with open(log, "ab") as f:
                        f.write(req + b"\n")
                try:
                    msg = json.loads(req)
                    rid = json.dumps(msg.get("id")).encode()
                    cmd = str(msg.get("execute", "")).encode()
                except (ValueError, AttributeError):
                    rid, cmd = b"null", b""
                if tagged.get(cmd):
                    line = tagged[cmd].pop(0)
                else:
                    line = next(it, None)
                if line is None:
                    return
                try:
                    conn.sendall(line.replace(b"@ID@", rid).replace(b"@NL@", b"\n") + b"\n")
                except OSError:
                    return


def main():
    case, path = sys.argv[1], sys.argv[2]
    log = sys.argv[3] if len(sys.argv) > 3 else None
    with open(case, "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(8)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, lines, log), daemon=True).start()


if __name__ == "__main__":
    main()
