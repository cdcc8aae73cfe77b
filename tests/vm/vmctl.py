#!/usr/bin/env python3
"""Host side of the guest test bed: QMP and the guest's command channel.

  vmctl.py run CTL_SOCK TIMEOUT COMMAND...
      Run a shell command in the guest (on ttyS1); print its output and
      exit with its status (124 on timeout).
  vmctl.py qmp QMP_SOCK COMMAND [ARGUMENTS_JSON] [--wait-event NAME [TIMEOUT]]
      Execute one QMP command and print its "return" as JSON (exit 1 on a
      QMP error); optionally wait for an event afterwards.

Channel protocol: the host sends "<id> <base64 of the command>\\n"; the guest
answers with the output, then "\\n@@VBEND <id> <status>\\n".
"""
import base64
import json
import os
import re
import socket
import sys
import time


def connect(path, timeout):
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def run(sock_path, timeout, command):
    ident = "%d-%d" % (os.getpid(), int(time.time() * 1000))
    s = connect(sock_path, 10)
    s.settimeout(1)
    payload = base64.b64encode(command.encode()).decode()
    s.sendall(("%s %s\n" % (ident, payload)).encode())
    end = re.compile(rb"\n@@VBEND " + re.escape(ident.encode()) + rb" (\d+)\n")
    buf = b""
    deadline = time.monotonic() + timeout
    while True:
        m = end.search(buf)
        if m:
            out = buf[: m.start()]
            # Output of an earlier, timed-out command may precede ours.
            stale = out.rfind(b"\n@@VBEND ")
            if stale >= 0:
                out = out[out.index(b"\n", stale + 1) + 1:]
            sys.stdout.buffer.write(out)
            s.close()
            return int(m.group(1))
        if time.monotonic() > deadline:
            sys.stdout.buffer.write(buf)
            sys.stderr.write("vmctl: guest command timed out after %ss\n" % timeout)
            s.close()
            return 124
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            sys.stderr.write("vmctl: control channel closed\n")
            return 125
        buf += chunk


class Qmp:
    def __init__(self, path):
        self.sock = connect(path, 10)
        self.file = self.sock.makefile("rwb")
        self.events = []
        self.read()  # greeting
        self.execute("qmp_capabilities")

    def read(self, timeout=None):
        self.sock.settimeout(timeout)
        line = self.file.readline()
        if not line:
            raise EOFError("QMP connection closed")
        return json.loads(line)

    def execute(self, command, arguments=None):
        msg = {"execute": command}
        if arguments:
            msg["arguments"] = arguments
        self.file.write(json.dumps(msg).encode() + b"\n")
        self.file.flush()
        while True:
            r = self.read(60)
            if "event" in r:
                self.events.append(r)
                continue
            return r

    def wait_event(self, name, timeout):
        deadline = time.monotonic() + timeout
        while True:
            for e in self.events:
                if e["event"] == name:
                    return e
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                r = self.read(left)
            except (socket.timeout, TimeoutError):
                return None
            if "event" in r:
                self.events.append(r)


def qmp(argv):
    path, command = argv[0], argv[1]
    rest = argv[2:]
    arguments = None
    if rest and not rest[0].startswith("--"):
        arguments = json.loads(rest.pop(0))
    wait = None
    if rest and rest[0] == "--wait-event":
        wait = (rest[1], float(rest[2]) if len(rest) > 2 else 30)
    q = Qmp(path)
    r = q.execute(command, arguments)
    if "error" in r:
        sys.stderr.write("vmctl: QMP %s: %s\n" % (command, json.dumps(r["error"])))
        return 1
    print(json.dumps(r.get("return")))
    if wait:
        e = q.wait_event(*wait)
        if e is None:
            sys.stderr.write("vmctl: no %s event within %ss\n" % wait)
            return 1
        print(json.dumps(e))
    return 0


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "run":
        return run(sys.argv[2], float(sys.argv[3]), " ".join(sys.argv[4:]))
    if len(sys.argv) >= 4 and sys.argv[1] == "qmp":
        return qmp(sys.argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
