#!/usr/bin/env python3
"""fetch_all.py: GETs every path listed in a file (one a line) once, from a loopback server.

Usage: fetch_all.py HOST PORT PATHS_FILE [--conns N]

N keep-alive connections (threads, default 4) share the list. Bodies are read and dropped. Prints
one JSON line: requests, statuses {code: count}, bytes, seconds, and up to 5 failed paths.
Python standard library only (for bench/scale.sh).
"""

import argparse
import http.client
import json
import threading
import time


def worker(host, port, paths, lock, out):
    conn = None
    for path in paths:
        for attempt in (1, 2):  # one retry on a fresh connection if the server closed it
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(host, port, timeout=30)
                conn.request("GET", path)
                resp = conn.getresponse()
                body = resp.read()
                status = resp.status
                if resp.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = None
                break
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
                status, body = "error", b""
        with lock:
            out["statuses"][str(status)] = out["statuses"].get(str(status), 0) + 1
            out["bytes"] += len(body)
            if status != 200 and len(out["failed"]) < 5:
                out["failed"].append("%s %s" % (status, path))
    if conn is not None:
        conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("paths")
    parser.add_argument("--conns", type=int, default=4)
    args = parser.parse_args()
    with open(args.paths, encoding="utf-8") as f:
        paths = [line.strip() for line in f if line.strip()]
    out = {"requests": len(paths), "statuses": {}, "bytes": 0, "failed": []}
    lock = threading.Lock()
    n = max(1, args.conns)
    threads = [threading.Thread(target=worker, args=(args.host, args.port, paths[i::n], lock, out))
               for i in range(n)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out["seconds"] = round(time.monotonic() - start, 3)
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
