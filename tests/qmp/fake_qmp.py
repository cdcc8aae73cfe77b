#!/usr/bin/env python3
"""A QMP server for vbtool's tests: well-behaved ("guest" mode, a simulated
running guest with a balloon) or misbehaving in one chosen way.

Usage: fake_qmp.py MODE SOCKET [key=value...]
Modes: silent garbage not-qmp garbage-reply greet-and-close hangup huge flood errors
       slow-reply guest bloat balloon-flood
bloat: a guest that sends count= events (named event=, default NOISE) of
  kib= KiB before each reply, each a long array of small numbers: cheap to
  send, costly to parse and to keep.
balloon-flood: a guest that, once asked for a size, sends BALLOON_CHANGE
  as fast as it can, alternating between two sizes, never reaching it.
"""
import json
import os
import socket
import sys
import threading
import time

GREETING = {"QMP": {"version": {"qemu": {"micro": 0, "minor": 0, "major": 99},
                                "package": "fake"}, "capabilities": ["oob"]}}
MiB = 1024 * 1024


def send(conn, obj):
    conn.sendall((json.dumps(obj) + "\r\n").encode())


def commands(conn):
    """Yields each command object the client sends (one JSON per line or not)."""
    dec = json.JSONDecoder()
    buf = ""
    while True:
        data = conn.recv(65536)
        if not data:
            return
        buf += data.decode()
        while True:
            buf = buf.lstrip()
            if not buf:
                break
            try:
                obj, end = dec.raw_decode(buf)
            except ValueError:
                break
            buf = buf[end:]
            yield obj


def reply(conn, cmd, value):
    msg = {"return": value}
    if "id" in cmd:
        msg["id"] = cmd["id"]
    send(conn, msg)


def error(conn, cmd, cls, desc):
    msg = {"error": {"class": cls, "desc": desc}}
    if "id" in cmd:
        msg["id"] = cmd["id"]
    send(conn, msg)


class Guest:
    """A running VM whose guest follows balloon requests step by step."""

    def __init__(self, opts):
        self.ram = int(opts.get("ram", 1024 * MiB))
        self.actual = int(opts.get("actual", self.ram))
        self.step = int(opts.get("step", 64 * MiB))
        self.floor = int(opts.get("floor", 0))  # the guest cannot go below this
        self.period = float(opts.get("period", 0.2))
        self.name = opts.get("name", "fakeguest")
        self.poll = int(opts.get("poll", 5))
        self.age = int(opts.get("age", 1))  # how old the last stats are
        # How this QEMU marks an unset statistic: UINT64_MAX today, -1 long ago.
        self.unset = int(opts.get("unset", 18446744073709551615))
        # hidden=1: the device is in no qom-list vbtool reads, only x-query-virtio names it.
        self.hidden = opts.get("hidden") == "1"
        # A hostile guest's strings: state= and name= take Python escapes (\x1b, \x9b).
        self.state = opts.get("state", "running").encode("latin-1", "backslashreplace").decode("unicode_escape")
        self.name = self.name.encode("latin-1", "backslashreplace").decode("unicode_escape")
        self.running = opts.get("running", "1") == "1"
        # The guest's MemTotal and MemAvailable as its statistics say (bytes).
        self.total = int(opts.get("total", 477589504))
        self.available = int(opts.get("available", 300000000))
        # Memory the guest plugged through a virtio-mem device (bytes): in
        # plugged-memory, never in the balloon's actual (as QEMU does).
        self.vmem = int(opts.get("vmem", 0))
        # vmemmax=B: a virtio-mem device vm0 of that max-size even when
        # nothing is plugged; qom-set requested-size moves its size there
        # vstep= bytes at a time (the guest plugs or unplugs), each step
        # with QEMU's MEMORY_DEVICE_SIZE_CHANGE event.
        self.vmem_max = int(opts.get("vmemmax", 0))
        self.vmem_req = self.vmem
        self.vstep = int(opts.get("vstep", 64 * MiB))
        # reported=1: statistics from an earlier poll stay although poll=0.
        self.reported = opts.get("reported") == "1"
        # Feature lists, comma-separated short names ("none": empty).
        self.hfeat = [f for f in opts.get("hfeat", "STATS_VQ,DEFLATE_ON_OOM").split(",") if f != "none"]
        self.gfeat = [f for f in opts.get("gfeat", "STATS_VQ").split(",") if f != "none"]
        self.started = opts.get("started", "1") == "1"
        # balloon=none: no balloon device (DeviceNotActive); error: query-balloon fails otherwise.
        self.balloon = opts.get("balloon", "yes")
        # never=1: the guest never answered a poll (every value unset, last-update 0).
        self.never = opts.get("never") == "1"
        # nodevice=1: query-balloon answers, but no qom-list or x-query-virtio names the device.
        self.nodevice = opts.get("nodevice") == "1"
        # oom=N: a 6.12+ guest behind QEMU 9.2+, which adds six statistics
        # (stat-oom-kills N and the fixed values below).
        self.oom = opts.get("oom")
        self.target = self.actual
        self.lock = threading.Lock()

    def stats(self):
        now = int(time.time())
        if self.never:
            names = ("swap-in", "swap-out", "major-faults", "minor-faults", "free-memory",
                     "total-memory", "available-memory", "disk-caches", "htlb-pgalloc", "htlb-pgfail")
            return {"stats": {"stat-" + n: self.unset for n in names}, "last-update": 0}
        st = {"stat-swap-in": 4096, "stat-swap-out": 0,
              "stat-major-faults": 12, "stat-minor-faults": 3456,
              "stat-free-memory": 180035584, "stat-total-memory": self.total,
              "stat-available-memory": self.available, "stat-disk-caches": self.unset,
              "stat-htlb-pgalloc": 0, "stat-htlb-pgfail": 0}
        if self.oom is not None:
            st.update({"stat-oom-kills": int(self.oom), "stat-alloc-stalls": 7, "stat-async-scans": 1000,
                       "stat-direct-scans": 20, "stat-async-reclaims": 900, "stat-direct-reclaims": 15})
        return {"stats": st, "last-update": now - self.age if self.poll or self.reported else 0}

    def follow(self, conn, stop):
        """Moves actual towards target, one BALLOON_CHANGE per step."""
        while not stop.is_set():
            time.sleep(self.period)
            with self.lock:
                vev = None
                if self.vmem != self.vmem_req:
                    d = min(self.vstep, abs(self.vmem_req - self.vmem))
                    self.vmem += d if self.vmem_req > self.vmem else -d
                    vev = {"event": "MEMORY_DEVICE_SIZE_CHANGE",
                           "data": {"id": "vm0", "size": self.vmem,
                                    "qom-path": "/machine/peripheral/vm0/virtio-backend"},
                           "timestamp": {"seconds": int(time.time()), "microseconds": 0}}
                goal = max(self.target, self.floor)
                if vev:
                    try:
                        send(conn, vev)
                    except OSError:
                        return
                if self.actual == goal:
                    continue
                if self.actual > goal:
                    self.actual = max(goal, self.actual - self.step)
                else:
                    self.actual = min(goal, self.actual + self.step)
                ev = {"event": "BALLOON_CHANGE", "data": {"actual": self.actual},
                      "timestamp": {"seconds": int(time.time()), "microseconds": 0}}
            try:
                send(conn, ev)
            except OSError:
                return

    def handle(self, conn, cmd):
        name = cmd.get("execute")
        args = cmd.get("arguments", {})
        path = "/machine/unattached/device[3]" if self.hidden else "/machine/peripheral/balloon0"
        if name == "qmp_capabilities":
            reply(conn, cmd, {})
        elif name == "query-name":
            reply(conn, cmd, {"name": self.name})
        elif name == "query-status":
            reply(conn, cmd, {"status": self.state, "singlestep": False, "running": self.running})
        elif name == "query-memory-size-summary":
            reply(conn, cmd, {"base-memory": self.ram, "plugged-memory": self.vmem})
        elif name == "query-memory-devices":
            devs = []
            if self.vmem or self.vmem_max:
                with self.lock:
                    devs.append({"type": "virtio-mem", "data": {
                        "memdev": "/objects/mem1", "memaddr": 4294967296, "block-size": 2097152,
                        "size": self.vmem, "node": 0, "max-size": self.vmem_max or 2 * self.vmem,
                        "requested-size": self.vmem_req, "id": "vm0"}})
            reply(conn, cmd, devs)
        elif name in ("query-balloon", "balloon") and self.balloon == "none":
            error(conn, cmd, "DeviceNotActive", "No balloon device has been activated")
        elif name == "query-balloon" and self.balloon == "error":
            error(conn, cmd, "GenericError", "balloon: something else went wrong")
        elif name == "query-balloon":
            with self.lock:
                reply(conn, cmd, {"actual": self.actual})
        elif name == "balloon":
            with self.lock:
                self.target = min(int(args["value"]), self.ram)
            reply(conn, cmd, {})
        elif name == "x-query-virtio" and self.nodevice:
            error(conn, cmd, "CommandNotFound", "The command x-query-virtio has not been found")
        elif name == "qom-list" and args.get("path") == "/machine/peripheral" and not self.hidden \
                and not self.nodevice:
            reply(conn, cmd, [{"name": "type", "type": "string"},
                              {"name": "balloon0", "type": "child<virtio-balloon-pci>"}]
                  + ([{"name": "vm0", "type": "child<virtio-mem-pci>"}] if self.vmem_max else []))
        elif name == "qom-list" and args.get("path", "").startswith("/machine/peripheral"):
            reply(conn, cmd, [{"name": "type", "type": "string"}])
        elif name == "x-query-virtio":
            reply(conn, cmd, [{"name": "virtio-balloon", "path": path + "/virtio-backend"}])
        elif name == "qom-get" and args.get("path") == path:
            if args.get("property") == "guest-stats":
                reply(conn, cmd, self.stats())
            elif args.get("property") == "guest-stats-polling-interval":
                reply(conn, cmd, self.poll)
            else:
                error(conn, cmd, "GenericError", "Property not found")
        elif name == "qom-set" and args.get("path") == "/machine/peripheral/vm0" \
                and args.get("property") == "requested-size" and self.vmem_max:
            with self.lock:
                self.vmem_req = int(args["value"])
            reply(conn, cmd, {})
        elif name == "qom-set" and args.get("path") == path:
            self.poll = int(args["value"])
            reply(conn, cmd, {})
        elif name == "x-query-virtio-status":
            def fset(names):
                return {"dev-features": ["VIRTIO_BALLOON_F_%s: desc" % n for n in names],
                        "transports": ["VIRTIO_F_VERSION_1: Device compliant for v1 spec (legacy)"]
                        if names else []}
            reply(conn, cmd, {"host-features": fset(self.hfeat), "guest-features": fset(self.gfeat),
                              "started": self.started, "device-id": 5})
        else:
            error(conn, cmd, "CommandNotFound", "The command %s has not been found" % name)


def bloat_event(name, kib, actual):
    pad = ",".join(["0"] * (kib * 512))  # "0," is 2 bytes
    return ('{"event": "%s", "data": {"actual": %d, "pad": [%s]}, '
            '"timestamp": {"seconds": 1, "microseconds": 0}}\r\n' % (name, actual, pad)).encode()


def balloon_flood(conn, guest, lock, stop):
    # each event differs from the one before: every one is a change
    evs = b"".join(("%s\r\n" % json.dumps({"event": "BALLOON_CHANGE", "data": {"actual": a},
                                             "timestamp": {"seconds": 1, "microseconds": 0}})).encode()
                   for a in (guest.actual - 3 * MiB * 64, guest.actual - 5 * MiB * 64)) * 512
    while not stop.is_set():
        try:
            with lock:
                conn.sendall(evs)
        except OSError:
            return


def serve(mode, conn, opts, guest):
    if mode == "silent":
        time.sleep(3600)
        return
    if mode == "not-qmp":
        send(conn, {"hello": "world"})
        time.sleep(3600)
        return
    if mode == "garbage":
        conn.sendall(b"this is not JSON at all\r\n")
        time.sleep(3600)
        return
    send(conn, GREETING)
    if mode == "greet-and-close":
        conn.close()  # vbtool's next write meets a closed socket: EPIPE, not SIGPIPE
        return
    if mode == "errors":
        for cmd in commands(conn):
            error(conn, cmd, "GenericError", "everything fails \x1b[31mhere")
        return
    cmds = commands(conn)
    first = next(cmds, None)
    if first is None:
        return
    if mode == "garbage-reply":
        conn.sendall(b'{"return": {}, "id": tru}\r\n')
        time.sleep(3600)
        return
    reply(conn, first, {})  # qmp_capabilities
    if mode == "hangup":
        next(cmds, None)
        conn.sendall(b'{"return": {"name": "half')
        conn.shutdown(socket.SHUT_RDWR)
        conn.close()
        return
    if mode == "huge":
        next(cmds, None)
        conn.sendall(b'{"return": "')
        chunk = b"A" * 65536
        try:
            for _ in range(int(opts.get("mib", 64)) * 16):
                conn.sendall(chunk)
            conn.sendall(b'"}\r\n')
        except OSError:
            pass
        time.sleep(3600)
        return
    if mode == "flood":
        ev = (json.dumps({"event": "NOISE", "data": {"n": 1},
                          "timestamp": {"seconds": 1, "microseconds": 0}}) + "\r\n").encode() * 64
        try:
            while True:
                conn.sendall(ev)
        except OSError:
            return
    if mode == "slow-reply":
        for cmd in cmds:
            time.sleep(float(opts.get("delay", 10)))
            reply(conn, cmd, {})
        return
    if mode == "bloat":
        ev = bloat_event(opts.get("event", "NOISE"), int(opts.get("kib", 1000)), guest.actual)
        for cmd in cmds:
            for _ in range(int(opts.get("count", 8))):
                conn.sendall(ev)
            guest.handle(conn, cmd)
        return
    if mode == "balloon-flood":
        stop, lock, flooding = threading.Event(), threading.Lock(), False
        try:
            for cmd in cmds:
                with lock:  # whole messages only: replies and events share the socket
                    guest.handle(conn, cmd)
                if cmd.get("execute") == "balloon" and not flooding:
                    flooding = True
                    threading.Thread(target=balloon_flood, args=(conn, guest, lock, stop), daemon=True).start()
        finally:
            stop.set()
        return
    if mode == "guest":
        stop = threading.Event()
        t = threading.Thread(target=guest.follow, args=(conn, stop), daemon=True)
        t.start()
        try:
            for cmd in cmds:
                guest.handle(conn, cmd)
        finally:
            stop.set()
        return
    raise SystemExit("unknown mode " + mode)


def main():
    mode, path = sys.argv[1], sys.argv[2]
    opts = dict(a.split("=", 1) for a in sys.argv[3:])
    guest = Guest(opts) if mode in ("guest", "bloat", "balloon-flood") else None
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path + ".tmp")
    srv.listen(8)
    os.rename(path + ".tmp", path)  # the socket appears only when it listens
    while True:
        conn, _ = srv.accept()

        def run(c=conn):
            try:
                serve(mode, c, opts, guest)
            except (OSError, StopIteration):
                pass
            finally:
                try:
                    c.close()
                except OSError:
                    pass
        threading.Thread(target=run, daemon=True).start()


if __name__ == "__main__":
    main()
