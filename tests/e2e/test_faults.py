# test_faults.py: PostgreSQL stopped under load, then started again. While it is down a node
# answers cached pages from its cache (200, x-gazette-cache: hit), uncached pages and comment
# writes with a 503 HTML page (the comment's text kept in the form), and says so in its log a few
# times, not once per request. When it is back the node recovers by itself (no restart), and
# every comment that was acknowledged (303) is stored exactly once.
import collections
import re
import threading
import time
import urllib.parse

import pytest

import pg
from conftest import Gazette, allow_quick_comments

pytestmark = pytest.mark.stores("postgres")  # the fault is PostgreSQL going away

CACHE = "x-gazette-cache"
RECOVERY = 10.0       # seconds the node may take to serve writes again once PostgreSQL is back
OUTAGE_LOAD = 1.5     # seconds of comment load while PostgreSQL is down
MAX_LOG_LINES = 5     # log lines about the database during the outage
KEPT_TEXT = "Words typed while the database is away & kept <here> for the reader."


@pytest.fixture
def own_pg(store):
    """A PostgreSQL server of this test's own: stopping it disturbs no other test."""
    srv = pg.PgServer()
    try:
        srv.start()
        problem = None
    except pg.PgError as e:
        problem = str(e)
    if problem:  # outside the except clause: one message, not a chain of two
        srv.destroy()
        pytest.fail(f"PostgreSQL test server: {problem}", pytrace=False)
    yield srv
    srv.destroy()


class Load(threading.Thread):
    """Posts comments to one action until stopped; records every answer."""

    def __init__(self, srv, path, action):
        super().__init__(daemon=True)
        self.srv, self.path, self.action = srv, path, action
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.acked = []                       # (comment id, text) of every 303
        self.others = collections.Counter()   # other statuses / exceptions
        self.n = 0

    def post(self, text):
        return self.srv.post_form(self.action, dict(author="Load reader",
                                                    email="load.reader@example.com", url="",
                                                    comment=text, comment_parent="0"),
                                  timeout=15)

    def run(self):
        while not self.stop_event.is_set():
            self.n += 1
            text = f"load{self.n:05d} comment of the fault test"
            try:
                r = self.post(text)
            except Exception as e:  # noqa: BLE001 — recorded, the load goes on
                with self.lock:
                    self.others[type(e).__name__] += 1
                time.sleep(0.05)
                continue
            with self.lock:
                if r.status == 303:
                    m = re.fullmatch(re.escape(self.path) + r"#comment-(\d+)", r.location_path())
                    if m:
                        self.acked.append((m.group(1), text))
                    else:
                        self.others[f"303 to {r.location_path()}"] += 1
                else:
                    self.others[r.status] += 1
            time.sleep(0.01)

    def stop(self):
        self.stop_event.set()
        self.join(timeout=30)
        assert not self.is_alive(), "the load thread did not stop"

    def counts(self):
        with self.lock:
            return len(self.acked), dict(self.others)


def db_log_lines(srv, offset):
    """Lines of the node's stderr after offset that speak of the database."""
    with open(srv.err_path, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    return [ln for ln in text.splitlines() if "unreachable" in ln or "PostgreSQL" in ln]


def test_postgres_stopped_under_load(gazette_bin, own_pg, seed_wxr, seed, tmp_path,
                                     start_server):
    g = Gazette(gazette_bin, own_pg.create_database("faults"))
    g.run("init")
    allow_quick_comments(g)
    g.run("import", "wxr", seed_wxr)
    g.run("set", "comments.moderation", "none")
    _, open_path = g.new_post(tmp_path, "Commented under load", status="publish",
                              date="2024-05-01 10:00")
    _, cold_path = g.new_post(tmp_path, "Never fetched before the outage", status="publish",
                              date="2024-05-02 10:00")
    srv = start_server(g)

    # warm the seed article (its comments are closed: the load never touches it)
    assert srv.get(seed["path"]).status == 200
    warm = srv.get(seed["path"])
    assert warm.status == 200 and warm.header(CACHE) == "hit", (warm, warm.header(CACHE))
    form = srv.get(open_path).tree().one("form", id="commentform")
    action = urllib.parse.urlsplit(form.get("action", "")).path

    load = Load(srv, open_path, action)
    load.start()
    try:
        deadline = time.monotonic() + 10
        while load.counts()[0] < 5:
            assert time.monotonic() < deadline, f"no comment load: {load.counts()}"
            time.sleep(0.05)

        # --- PostgreSQL goes away ----------------------------------------------------------
        log_offset = len(open(srv.err_path, "rb").read())
        own_pg.stop("fast")
        acked_before_outage = load.counts()[0]

        cached = srv.get(seed["path"], timeout=10)
        assert cached.status == 200, (cached, cached.text[:1000])
        assert cached.header(CACHE) == "hit", cached.header(CACHE)
        assert cached.body == warm.body

        cold = srv.get(cold_path, timeout=10)
        assert cold.status == 503, (cold, cold.text[:1000])
        assert (cold.header("Content-Type") or "").startswith("text/html"), \
            cold.header("Content-Type")
        assert cold.tree().find("body") is not None or "<html" in cold.text.lower(), \
            cold.text[:1000]

        kept = srv.post_form(action, dict(author="Patient reader", email="patient@example.com",
                                          url="", comment=KEPT_TEXT, comment_parent="0"),
                             timeout=10)
        assert kept.status == 503, (kept, kept.text[:1000])
        assert (kept.header("Content-Type") or "").startswith("text/html")
        areas = [t for t in kept.tree().find_all("textarea") if t.get("name") == "comment"]
        assert areas, f"503 page has no <textarea name=comment>:\n{kept.text[:2000]}"
        assert areas[0].raw_text().strip() == KEPT_TEXT, areas[0].raw_text()

        # more requests while down: the log must not grow per request
        t_end = time.monotonic() + OUTAGE_LOAD
        while time.monotonic() < t_end:
            assert srv.get(cold_path, timeout=10).status == 503
            assert srv.get(seed["path"], timeout=10).status == 200
            time.sleep(0.02)
        acked_n, others = load.counts()
        assert others.get(503, 0) >= 3, f"the load saw no 503s while down: {others}"
        lines = db_log_lines(srv, log_offset)
        assert len(lines) <= MAX_LOG_LINES, (
            f"{len(lines)} log lines about the database during the outage "
            f"(at most {MAX_LOG_LINES}):\n" + "\n".join(lines[:20]))
        assert lines, "the log does not say the database is unreachable"

        # --- PostgreSQL comes back -----------------------------------------------------------
        own_pg.start()
        t0 = time.monotonic()
        while True:
            r = srv.post_form(action, dict(author="Back reader", email="back@example.com",
                                           url="", comment="First words after the outage.",
                                           comment_parent="0"), timeout=10)
            if r.status == 303:
                break
            assert r.status == 503, (r, r.text[:1000])
            assert time.monotonic() - t0 < RECOVERY, f"no recovery within {RECOVERY}s"
            time.sleep(0.1)
        back_id = re.fullmatch(re.escape(open_path) + r"#comment-(\d+)",
                               r.location_path()).group(1)
        assert srv.get(cold_path).status == 200
        deadline = time.monotonic() + RECOVERY
        while load.counts()[0] <= acked_n + 3:  # the load is acknowledged again too
            assert time.monotonic() < deadline, f"the load did not recover: {load.counts()}"
            time.sleep(0.05)
    finally:
        load.stop()

    assert acked_before_outage >= 5
    rows = g.comments()
    ids = collections.Counter(r["id"] for r in rows)
    for cid, text in load.acked + [(back_id, "First words after the outage.")]:
        assert ids[cid] == 1, f"acknowledged comment {cid} ({text!r}) listed {ids[cid]} times"
    texts = collections.Counter(r["excerpt"] for r in rows
                                if re.match(r"load\d{5} |First words after", r["excerpt"]))
    twice = {t: n for t, n in texts.items() if n > 1}
    assert not twice, f"comment text stored more than once: {twice}"
    assert not any(KEPT_TEXT[:30] in r["excerpt"] for r in rows), "a 503 comment was stored"
    assert srv.proc.poll() is None, "gazette serve died"
