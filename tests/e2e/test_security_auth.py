# test_security_auth.py: trust and limits from the security review (issue 14, findings 5 and 7):
# first-time moderation matches name and email, an account's email needs its session; signing
# out only by a POST with the CSRF token; the failed sign-in limit holds under parallel attempts;
# post passwords (a limit per address and post, Origin, comments only once unlocked);
# Accept-Encoding's q read inside its parameter; /metrics for admins and metrics.allow only.
import re
import threading

from conftest import (admin_login, admin_session, allow_quick_comments, set_cookie,
                      wxr_document, wxr_item)

PASSWORD = "tester-pass-phrase"
OPEN_PATH = "/2022/03/open-talk/"
LOCKED_PATH = "/2022/03/locked-talk/"
POST_PASSWORD = "opensesame"


def make_site(g, tmp_path, moderation="first-time"):
    """An open post and a password-protected one, imported with their author `tester`
    (tester@example.invalid), who is given a password: an account that can sign in."""
    doc = wxr_document([
        wxr_item(901, "Open talk", slug="open-talk", content="<p>Words open to all.</p>"),
        wxr_item(902, "Locked talk", slug="locked-talk", password=POST_PASSWORD,
                 content="<p>Words behind a password.</p>"),
    ])
    (tmp_path / "site.xml").write_text(doc, encoding="utf-8")
    g.run("import", "wxr", tmp_path / "site.xml")
    g.run("user", "passwd", "tester", "--password-stdin", stdin=(PASSWORD + "\n").encode())
    g.run("set", "comments.moderation", moderation)
    allow_quick_comments(g)


def comment(srv, path, author, email, text="Some words of a reader.", headers=None):
    fields = dict(author=author, email=email, url="", comment=text, comment_parent="0")
    return srv.post_form(path + "comments", fields, headers=headers)


def outcome(r, path):
    """("approved"|"held", id) of a comment's answer, which must be a redirect to the post."""
    assert r.status == 303, (r, r.text[:1500])
    loc = r.location_path()
    m = re.fullmatch(re.escape(path) + r"#comment-(\d+)", loc)
    if m:
        return "approved", m.group(1)
    m = re.fullmatch(re.escape(path) + r"\?unapproved=(\d+)&moderation-hash=[0-9a-f]+#comment-\d+",
                     loc)
    assert m, loc
    return "held", m.group(1)


def held_by(g, cid):
    return {r["id"]: r["held_by"] for r in g.comments()}[cid]


# ---------------------------------------------------------------------------------------------
# A. first-time moderation: name and email together; an account's email needs its session


def test_first_time_needs_the_same_name_and_email(site, tmp_path, start_server):
    make_site(site, tmp_path)
    srv = start_server(site)
    state, first = outcome(comment(srv, OPEN_PATH, "Ann Reader", "ann@example.com"), OPEN_PATH)
    assert state == "held"
    site.run("comment", "approve", first)
    # another name with Ann's email: held, as WordPress does
    state, other = outcome(comment(srv, OPEN_PATH, "Mallory", "ann@example.com"), OPEN_PATH)
    assert state == "held", "a known email under another name was published at once"
    assert held_by(site, other) == "first comment from this name and email"
    # Ann's name with another email: held
    state, _ = outcome(comment(srv, OPEN_PATH, "Ann Reader", "ann@elsewhere.example"), OPEN_PATH)
    assert state == "held"
    # Ann again, her email in other case and her name with spaces around: approved
    state, again = outcome(comment(srv, OPEN_PATH, "  Ann Reader ", "ANN@Example.COM"), OPEN_PATH)
    assert state == "approved"
    # the name is matched exactly
    state, _ = outcome(comment(srv, OPEN_PATH, "ann reader", "ann@example.com"), OPEN_PATH)
    assert state == "held"


def test_account_email_is_held_without_its_session(site, tmp_path, start_server):
    make_site(site, tmp_path, moderation="none")
    srv = start_server(site)
    # even with moderation none, the account's email (any case) from someone not signed in
    state, cid = outcome(comment(srv, OPEN_PATH, "Test Author", "Tester@Example.INVALID"),
                         OPEN_PATH)
    assert state == "held", "an account's email was published without its session"
    assert held_by(site, cid) == "the email of account tester; sign in to comment as tester"
    # signed in as another account: held too
    site.add_user("other", "editor", password="other-pass-phrase")
    other = admin_session(srv, "other", "other-pass-phrase")
    state, cid = outcome(comment(srv, OPEN_PATH, "Test Author", "tester@example.invalid",
                                 headers=other.headers()), OPEN_PATH)
    assert state == "held"
    # the account itself, signed in: the normal rule (none) applies
    me = admin_session(srv, "tester", PASSWORD)
    state, cid = outcome(comment(srv, OPEN_PATH, "Test Author", "tester@example.invalid",
                                 headers=me.headers()), OPEN_PATH)
    assert state == "approved"


def test_account_email_is_held_under_first_time_after_an_approved_comment(site, tmp_path,
                                                                          start_server):
    make_site(site, tmp_path)
    srv = start_server(site)
    me = admin_session(srv, "tester", PASSWORD)
    state, cid = outcome(comment(srv, OPEN_PATH, "Test Author", "tester@example.invalid",
                                 headers=me.headers()), OPEN_PATH)
    assert state == "held"  # first comment of this name and email
    site.run("comment", "approve", cid)
    state, _ = outcome(comment(srv, OPEN_PATH, "Test Author", "tester@example.invalid",
                               headers=me.headers()), OPEN_PATH)
    assert state == "approved"
    # the same name and email without the session: held, whatever was approved before
    state, cid = outcome(comment(srv, OPEN_PATH, "Test Author", "tester@example.invalid"),
                         OPEN_PATH)
    assert state == "held"
    assert held_by(site, cid) == "the email of account tester; sign in to comment as tester"


# ---------------------------------------------------------------------------------------------
# B. signing out: a POST with the CSRF token; GET asks


def test_get_logout_only_asks(site, tmp_path, start_server):
    make_site(site, tmp_path)
    srv = start_server(site)
    me = admin_session(srv, "tester", PASSWORD)
    r = me.get("/admin/logout")
    assert r.status == 200, r
    assert set_cookie(r) is None, r.header_all("Set-Cookie")
    assert me.signed_in(), "GET /admin/logout ended the session"
    forms = [f for f in r.tree().find_all("form", cls="admin-logout")]
    assert len(forms) == 1, r.text[:2000]
    form = forms[0]
    assert form.get("method").lower() == "post" and form.get("action") == "/admin/logout"
    token = form.one("input", name="csrf").get("value")
    assert token == me.csrf
    assert "Sign out?" in r.tree().one("h1").text
    # an image or link elsewhere (no token) does not sign out either
    assert me.post("/admin/logout", csrf=None).status == 403
    assert me.signed_in()
    r = me.post("/admin/logout", csrf=token)
    assert r.status == 303, r
    assert not me.signed_in()
    # without a session, the question is not asked: sign in first
    r = srv.get("/admin/logout")
    assert r.status == 303 and r.location_path().startswith("/admin/login"), r


# ---------------------------------------------------------------------------------------------
# C. the failed sign-in limit under parallel attempts


def test_parallel_wrong_passwords_get_at_most_the_limit_of_checks(site, tmp_path, start_server):
    make_site(site, tmp_path)
    srv = start_server(site)
    statuses = []
    lock = threading.Lock()
    start = threading.Barrier(30)

    def attempt(i):
        start.wait()
        r = admin_login(srv, "tester", f"wrong-pass-phrase-{i}")
        with lock:
            statuses.append(r.status)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(statuses)) <= [401, 429], statuses
    wrong = statuses.count(401)
    assert 1 <= wrong <= 5, f"{wrong} password checks for a limit of 5: {sorted(statuses)}"
    assert statuses.count(429) == 30 - wrong
    r = admin_login(srv, "tester", PASSWORD)
    assert r.status == 429, ("the right password while limited", r)
    got = set_cookie(r)
    assert got is None or not got[0]


# ---------------------------------------------------------------------------------------------
# D. post passwords


def unlock(srv, password, headers=None):
    return srv.post_form(LOCKED_PATH + "password", {"post_password": password}, headers=headers)


def test_post_password_tries_are_limited(site, tmp_path, start_server):
    make_site(site, tmp_path)
    assert site.out("get", "posts.password_limit_ip").strip() == "10"
    srv = start_server(site)
    for i in range(10):
        r = unlock(srv, f"guess-{i}")
        assert r.status == 403, (i, r)
    r = unlock(srv, "guess-again")
    assert r.status == 429, r
    assert r.header("Retry-After") == "600", r.headers
    assert "too many wrong passwords" in r.text.lower()
    r = unlock(srv, POST_PASSWORD)  # the right one too, while limited
    assert r.status == 429, r
    assert not [c for c in r.header_all("Set-Cookie") if c.startswith("gz_postpass_")]


def test_post_password_limit_is_a_setting(site, tmp_path, start_server):
    make_site(site, tmp_path)
    site.run("set", "posts.password_limit_ip", "2")
    srv = start_server(site)
    assert unlock(srv, "guess-1").status == 403
    assert unlock(srv, POST_PASSWORD).status == 303  # a right one is not a wrong try
    assert unlock(srv, "guess-2").status == 403
    assert unlock(srv, "guess-3").status == 429


def test_post_password_from_another_site_is_refused(site, tmp_path, start_server):
    make_site(site, tmp_path)
    srv = start_server(site)
    r = unlock(srv, POST_PASSWORD, headers={"Origin": "http://evil.example"})
    assert r.status == 403, r
    assert "another site" in r.text
    assert not [c for c in r.header_all("Set-Cookie") if c.startswith("gz_postpass_")]
    r = unlock(srv, POST_PASSWORD, headers={"Origin": f"http://127.0.0.1:{srv.port}"})
    assert r.status == 303, r


def test_comment_on_a_locked_post_needs_it_unlocked(site, tmp_path, start_server):
    make_site(site, tmp_path, moderation="none")
    srv = start_server(site)
    r = comment(srv, LOCKED_PATH, "Nosy Reader", "nosy@example.com")
    assert r.status == 403, r
    assert "Unlock this post first" in r.text
    assert site.comments() == []
    r = unlock(srv, POST_PASSWORD)
    assert r.status == 303, r
    cookie = [c.split(";")[0] for c in r.header_all("Set-Cookie") if c.startswith("gz_postpass_")]
    assert len(cookie) == 1
    forged = cookie[0].split("=")[0] + "=" + "0" * 64
    r = comment(srv, LOCKED_PATH, "Nosy Reader", "nosy@example.com", headers={"Cookie": forged})
    assert r.status == 403, r
    state, _ = outcome(comment(srv, LOCKED_PATH, "Nosy Reader", "nosy@example.com",
                               headers={"Cookie": cookie[0]}), LOCKED_PATH)
    assert state == "approved"


# ---------------------------------------------------------------------------------------------
# E. Accept-Encoding: q is a parameter of its own


def test_accept_encoding_q_parameter(site, tmp_path, start_server):
    make_site(site, tmp_path)
    srv = start_server(site)
    cases = [("gzip;q=0", None), ("gzip;q=0.5", "gzip"), ("gzip; q=0.000", None),
             ("gzip;level=1;q=0", None), ("gzip;q=0;level=1", None), ("gzip;Q=0.001", "gzip")]
    for i, (accept, want) in enumerate(cases):
        for _ in range(2):  # rendered, then from the cache
            r = srv.get(f"{OPEN_PATH}?e={i}", headers={"Accept-Encoding": accept})
            assert r.status == 200, r
            assert r.header("Content-Encoding") == want, (accept, r.headers)


# ---------------------------------------------------------------------------------------------
# F. /metrics for admins and metrics.allow


def test_metrics_for_allowed_addresses_and_admins(site, tmp_path, start_server):
    make_site(site, tmp_path)
    assert site.out("get", "metrics.allow").strip() == "127.0.0.1 ::1"
    site.add_user("boss", "admin", password="boss-pass-phrase")
    srv = start_server(site)
    r = srv.get("/metrics")  # from 127.0.0.1, listed by default
    assert r.status == 200, r
    assert "gazette_cache_hits_total" in r.text
    site.run("set", "metrics.allow", "192.0.2.7, 2001:db8::7")
    r = srv.get("/metrics")
    assert r.status == 403, r
    assert "metrics.allow" in r.text and "gazette_cache_hits_total" not in r.text
    # an address the client names itself is not its address
    r = srv.get("/metrics", headers={"X-Forwarded-For": "192.0.2.7"})
    assert r.status == 403, r
    tester = admin_session(srv, "tester", PASSWORD)  # an author: not enough
    assert tester.get("/metrics").status == 403
    boss = admin_session(srv, "boss", "boss-pass-phrase")
    r = boss.get("/metrics")
    assert r.status == 200, r
    assert "gazette_cache_hits_total" in r.text
