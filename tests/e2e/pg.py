# pg.py: a throwaway PostgreSQL server for the e2e suite, so that nothing depends on a server
# being already there.
#
# PgServer.start() makes a new cluster in a fresh temporary directory with Debian's PostgreSQL 15
# binaries (initdb --auth=trust, UTF-8, locale C.UTF-8), and starts it with pg_ctl on a free
# loopback port (listen_addresses 127.0.0.1, the Unix socket in the temporary directory, fsync on
# as by default). The server refuses to run as root, so when the suite runs as root the
# directory is given to the `postgres` user and initdb/pg_ctl run through `runuser -u postgres`.
# create_database() makes a uniquely named database and returns its URI
# (postgresql://postgres@127.0.0.1:PORT/NAME); stop()/start() stop and restart the same cluster
# on the same port (the fault test); destroy() stops it and removes the directory.
#
# Environment: GAZETTE_PG_BINDIR overrides the binaries' directory (/usr/lib/postgresql/15/bin).
import atexit
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

BINDIR = os.environ.get("GAZETTE_PG_BINDIR") or "/usr/lib/postgresql/15/bin"
TOOLS = ("initdb", "pg_ctl", "postgres", "psql")
OWNER = "postgres"          # the user the server runs as when we are root
START_TIMEOUT = 30          # seconds for pg_ctl start/stop
SQL_TIMEOUT = 60            # seconds for one psql command

_counter = itertools.count(1)


class PgError(Exception):
    """The server could not be set up; the message says why."""


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_env():
    """Our environment without libpq's PG* variables, which would redirect psql and gazette."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.setdefault("LC_ALL", "C.UTF-8")
    return env


def missing_binaries(bindir=BINDIR):
    return [t for t in TOOLS if not os.access(os.path.join(bindir, t), os.X_OK)]


class PgServer:
    def __init__(self, bindir=BINDIR):
        self.bindir = bindir
        self.base = None      # the temporary directory (socket, log, data/)
        self.data = None
        self.port = None
        self.running = False
        self.log_path = None
        self.databases = []   # names created, in order

    # -- helpers --------------------------------------------------------------------------------

    def _bin(self, name):
        return os.path.join(self.bindir, name)

    def _as_owner(self, cmd):
        return (["runuser", "-u", OWNER, "--"] + cmd) if os.geteuid() == 0 else cmd

    def _run(self, cmd, what, timeout=START_TIMEOUT):
        try:
            p = subprocess.run(self._as_owner(cmd), capture_output=True, text=True,
                               timeout=timeout, env=_clean_env(), stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PgError(f"{what} did not finish within {timeout}s: {' '.join(cmd)}\n"
                          f"{self.log_tail()}") from None
        except OSError as e:
            raise PgError(f"{what} could not run ({e}): {' '.join(cmd)}") from None
        return p

    def log_tail(self, n=4000):
        if self.log_path and os.path.exists(self.log_path):
            with open(self.log_path, "rb") as f:
                return "--- postgres log\n" + f.read()[-n:].decode("utf-8", "replace")
        return ""

    # -- life cycle -----------------------------------------------------------------------------

    def start(self):
        """Creates the cluster on first use, then starts it; returns self."""
        if self.base is None:
            self._init()
        if self.running:
            return self
        last = ""
        for _ in range(3):  # a port taken between _free_port() and bind: try another one
            if self.port is None:
                self.port = _free_port()
                self._write_conf()
            p = self._run([self._bin("pg_ctl"), "-D", self.data, "-l", self.log_path, "-w",
                           "-t", str(START_TIMEOUT), "start"], "pg_ctl start",
                          timeout=START_TIMEOUT + 10)
            if p.returncode == 0:
                self.running = True
                self.sql("postgres", "SELECT 1")  # really answers over TCP
                return self
            last = f"{p.stdout}{p.stderr}\n{self.log_tail()}"
            if "already in use" not in last and "could not bind" not in last:
                break
            self.port = None
        raise PgError(f"PostgreSQL did not start (pg_ctl start failed):\n{last}")

    def _init(self):
        missing = missing_binaries(self.bindir)
        if missing:
            raise PgError(
                f"PostgreSQL server binaries missing in {self.bindir}: {', '.join(missing)}. "
                "The e2e suite runs every test on SQLite and on PostgreSQL: install Debian's "
                "PostgreSQL 15 (scripts/deps installs postgresql postgresql-contrib) or set "
                "GAZETTE_PG_BINDIR; run only the SQLite half with `-k 'not postgres'`.")
        self.base = tempfile.mkdtemp(prefix="gazette-pg-")
        atexit.register(self.destroy)
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam(OWNER)
            except KeyError:
                raise PgError(f"running as root, and there is no `{OWNER}` user to run the "
                              "PostgreSQL server as (the server refuses to run as root); "
                              "install Debian's postgresql package") from None
            os.chown(self.base, pw.pw_uid, pw.pw_gid)
            if shutil.which("runuser") is None:
                raise PgError("running as root, and `runuser` is missing (util-linux)")
            probe = self._run(["test", "-w", self.base], "access check")
            if probe.returncode != 0:
                raise PgError(f"the `{OWNER}` user cannot write {self.base} (is a parent "
                              "directory closed to it? set TMPDIR to a directory it can reach)")
        self.data = os.path.join(self.base, "data")
        self.log_path = os.path.join(self.base, "postgres.log")
        p = self._run([self._bin("initdb"), "-D", self.data, "--auth=trust", "-U", "postgres",
                       "--encoding=UTF8", "--locale=C.UTF-8"], "initdb", timeout=120)
        if p.returncode != 0:
            raise PgError(f"initdb failed ({p.returncode}):\n{p.stdout[-3000:]}"
                          f"{p.stderr[-3000:]}")
        with open(os.path.join(self.data, "postgresql.conf"), "a", encoding="utf-8") as f:
            f.write("\n# e2e suite (tests/e2e/pg.py)\ninclude 'e2e.conf'\n")

    def _write_conf(self):
        conf = os.path.join(self.data, "e2e.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(f"listen_addresses = '127.0.0.1'\n"
                    f"port = {self.port}\n"
                    f"unix_socket_directories = '{self.base}'\n"
                    "max_connections = 300\n"
                    "fsync = on\n"
                    "logging_collector = off\n")
        if os.geteuid() == 0:
            pw = pwd.getpwnam(OWNER)
            os.chown(conf, pw.pw_uid, pw.pw_gid)

    def stop(self, mode="fast"):
        """pg_ctl stop -m MODE (the cluster and its port stay for start())."""
        if not self.running:
            return
        p = self._run([self._bin("pg_ctl"), "-D", self.data, "-m", mode, "-w",
                       "-t", str(START_TIMEOUT), "stop"], "pg_ctl stop",
                      timeout=START_TIMEOUT + 10)
        if p.returncode != 0:
            raise PgError(f"pg_ctl stop failed ({p.returncode}):\n{p.stdout}{p.stderr}\n"
                          f"{self.log_tail()}")
        self.running = False

    def destroy(self):
        """Stops the server (whatever its state) and removes its directory. Idempotent."""
        if self.base is None:
            return
        if self.data and os.path.exists(os.path.join(self.data, "postmaster.pid")):
            try:
                self._run([self._bin("pg_ctl"), "-D", self.data, "-m", "immediate", "-w",
                           "-t", str(START_TIMEOUT), "stop"], "pg_ctl stop",
                          timeout=START_TIMEOUT + 10)
            except PgError:
                pass
            self._kill_leftover()
        self.running = False
        shutil.rmtree(self.base, ignore_errors=True)
        self.base = self.data = None

    def _kill_leftover(self):
        """If pg_ctl could not stop the postmaster, SIGKILL it by the pid in postmaster.pid."""
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                pid = int(f.readline().strip())
        except (OSError, ValueError):
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass

    # -- databases ------------------------------------------------------------------------------

    def uri(self, name):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def sql(self, dbname, query, check=True):
        """Runs one SQL string with psql over TCP; returns its unaligned, tuples-only output."""
        cmd = [self._bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
               "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", dbname,
               "-c", query]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=SQL_TIMEOUT,
                               env=_clean_env(), stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PgError(f"psql timed out after {SQL_TIMEOUT}s: {query}") from None
        if check and p.returncode != 0:
            raise PgError(f"psql -d {dbname} -c {query!r} failed ({p.returncode}):\n"
                          f"{p.stderr}\n{self.log_tail(1500)}")
        return p.stdout

    def create_database(self, hint="db"):
        """A new, empty database with a unique name derived from hint; returns its URI."""
        stem = re.sub(r"[^a-z0-9]+", "_", str(hint).lower()).strip("_")[:40] or "db"
        name = f"g{os.getpid()}_{next(_counter)}_{stem}"
        self.sql("postgres", f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return self.uri(name)

    def drop_database(self, uri_or_name):
        """DROP DATABASE; True when it went, False when it could not (still in use, say): not an
        error, destroy() removes everything anyway."""
        name = uri_or_name.rsplit("/", 1)[-1].split("?")[0]
        p = subprocess.run(
            [self._bin("psql"), "-X", "-q", "-h", "127.0.0.1", "-p", str(self.port),
             "-U", "postgres", "-d", "postgres", "-c", f'DROP DATABASE IF EXISTS "{name}"'],
            capture_output=True, text=True, timeout=SQL_TIMEOUT, env=_clean_env(),
            stdin=subprocess.DEVNULL)
        return p.returncode == 0

    def wait_ready(self, timeout=START_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.sql("postgres", "SELECT 1", check=False).strip() == "1":
                return
            time.sleep(0.1)
        raise PgError(f"PostgreSQL did not answer within {timeout}s\n{self.log_tail()}")
