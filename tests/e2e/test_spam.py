# test_spam.py: the comment spam defences over HTTP, on sites that keep them (the `site` fixture
# turns the time and count rules off, see conftest.allow_quick_comments): the honeypot field, the
# signed time stamp (missing, forged, too fast: refused with the text kept; any age accepted, so
# cached pages work), the per-address limit (429), comments held for links or hold words with the
# reason shown by `gazette comment list`, block words refusing, and `gazette set` validating the
# settings.
import os
import re
import time
import urllib.parse

import pytest

from conftest import SOURCE, Gazette

TIME_STAMP = re.compile(r"(\d+)\.[0-9a-f]{32}")
DEFAULTS = {"comments.honeypot": "true", "comments.min_seconds": "3",
            "comments.per_ip_10min": "10", "comments.max_links": "2",
            "comments.hold_words": "", "comments.block_words": ""}


@pytest.fixture
def defended(gazette_bin, tmp_path, new_db, start_server):
    """A fresh site with the spam settings at their defaults, moderation none (so that what
    holds a comment is a spam rule), one open post, a server. Returns (g, srv, pid, path)."""
    g = Gazette(gazette_bin, new_db(tmp_path / "spam.db"))
    g.run("init")
    g.run("set", "comments.moderation", "none")
    pid, path = g.new_post(tmp_path, "Spam target", body="Words to comment on.",
                           status="publish", date="2024-05-01 10:00")
    return g, start_server(g), pid, path


def comment_form(doc):
    """The comment form of a page as (action path, its fields as a dict, the form node)."""
    form = doc.one("form", id="commentform")
    fields = {}
    for i in form.find_all("input"):
        name = i.get("name")
        if name and (i.get("type") != "checkbox" or "checked" in i.attrs):
            fields[name] = i.get("value", "")
    text = form.one("textarea", name="comment").raw_text()
    fields["comment"] = text[1:] if text.startswith("\n") else text
    return urllib.parse.urlsplit(form.get("action")).path, fields, form


_n = [0]


def reader(**kw):
    """What a person types: a name, an email and a comment, unique per call."""
    _n[0] += 1
    f = dict(author=f"Reader {_n[0]}", email=f"reader{_n[0]}@example.com", url="",
             comment=f"Comment {_n[0]} of our own.")
    f.update(kw)
    return f


def send(srv, path, form_fields, **typed):
    """POSTs the form's own fields (hidden ones included) with what the reader typed."""
    action = path + "comments"
    fields = dict(form_fields)
    fields.update(reader(**typed))
    return srv.post_form(action, fields), fields


def page_form(srv, path):
    r = srv.get(path)
    assert r.status == 200, r
    return comment_form(r.tree())


def approved_id(r, path):
    assert r.status == 303, (r, r.text[:1500])
    m = re.fullmatch(re.escape(path) + r"#comment-(\d+)", r.location_path())
    assert m, r.location_path()
    return m.group(1)


def held_id(r, path):
    assert r.status == 303, (r, r.text[:1500])
    m = re.fullmatch(re.escape(path) + r"\?unapproved=(\d+)&moderation-hash=[0-9a-f]+#comment-\d+",
                     r.location_path())
    assert m, r.location_path()
    return m.group(1)


def refused_page(r, status, said, kept=None):
    """The answer refuses with `status`, says `said` (a regex), stores nothing (checked by the
    caller) and, when `kept` is given, shows the form again with that text in it."""
    assert r.status == status, (r, r.text[:1500])
    assert (r.header("Content-Type") or "").startswith("text/html")
    doc = r.tree()
    assert re.search(said, doc.text, re.I), (said, doc.text[:1500])
    if kept is None:
        assert doc.find("form", id="commentform") is None
        return None
    _, fields, form = comment_form(doc)
    assert fields["comment"].replace("\r\n", "\n") == kept["comment"]
    for name in ("author", "email", "url"):
        assert form.one("input", name=name).get("value") == kept[name], name
    assert fields.get("subject", "") == "", "the honeypot came back filled"
    return fields


# ---------------------------------------------------------------------------------------------
# The form


def test_defaults_and_the_form(defended):
    g, srv, pid, path = defended
    for key, value in DEFAULTS.items():
        assert g.out("get", key) == value + "\n", key
    before = int(time.time())
    page = srv.get(path)
    after = int(time.time())
    action, fields, form = comment_form(page.tree())
    assert action == path + "comments"
    # the honeypot: hidden from people and from screen readers, out of the tab order, a label
    trap = form.one("input", name="subject")
    assert trap.get("type") == "text" and trap.get("value") == ""
    assert trap.get("tabindex") == "-1" and trap.get("autocomplete") == "off"
    assert form.one("p", cls="comment-form-subject").get("aria-hidden") == "true"
    assert re.search(r'<p class="comment-form-subject" aria-hidden="true">((?!</p>).)*'
                     r'<input[^>]*name="subject"((?!</p>).)*</p>', page.text, re.S), (
        "the honeypot input is not inside its hidden paragraph")
    label = form.one("label", for_=trap.get("id"))
    assert "empty" in label.text.lower()
    with open(os.path.join(SOURCE, "themes", "default", "style.css"), encoding="utf-8") as f:
        css = f.read()
    assert re.search(r"\.comment-form-subject\s*\{[^}]*position:\s*absolute", css), (
        "the theme does not move the honeypot off-screen")
    # the time stamp: the page's render time, signed
    stamp = form.one("input", name="comment_stamp")
    assert stamp.get("type") == "hidden"
    m = TIME_STAMP.fullmatch(stamp.get("value", ""))
    assert m, stamp.get("value")
    assert before - 1 <= int(m.group(1)) <= after + 1


def test_form_sent_after_min_seconds_is_accepted_also_from_the_cache(defended):
    g, srv, pid, path = defended
    first = srv.get(path)
    cached = srv.get(path)
    assert cached.header("x-gazette-cache") == "hit"
    # a cached page carries the time it was made: the same stamp for every reader
    _, fields, _ = comment_form(cached.tree())
    assert comment_form(first.tree())[1]["comment_stamp"] == fields["comment_stamp"]
    time.sleep(3.2)
    r, _ = send(srv, path, fields)
    approved_id(r, path)
    # and it stays good however old (pages may stay cached for hours): a second comment
    r, _ = send(srv, path, fields)
    approved_id(r, path)
    assert len(g.comments()) == 2


def test_too_fast_is_refused_with_the_text_kept(defended):
    g, srv, pid, path = defended
    _, fields, _ = page_form(srv, path)  # a fresh page: made just now
    r, sent = send(srv, path, fields, comment="Typed at machine speed.\nSecond line.")
    kept = refused_page(r, 400, r"too quickly.*wait \d+ seconds?", kept=sent)
    assert g.comments() == []
    # the form that came back holds the same stamp: once old enough it goes through
    assert kept["comment_stamp"] == fields["comment_stamp"]
    time.sleep(3.2)
    r = srv.post_form(path + "comments", kept)
    approved_id(r, path)
    (row,) = g.comments()
    assert row["excerpt"] == "Typed at machine speed."


@pytest.mark.parametrize("case", ["missing", "empty", "older-time", "other-mac", "garbage"])
def test_stamp_missing_or_forged_is_refused(defended, case):
    g, srv, pid, path = defended
    g.run("set", "comments.min_seconds", "1")  # shorter waits; the rule is the same
    _, fields, _ = page_form(srv, path)
    seconds, mac = fields["comment_stamp"].split(".")
    forged = {"missing": None, "empty": "", "older-time": f"{int(seconds) - 3600}.{mac}",
              "other-mac": f"{seconds}.{'0' * 32}", "garbage": "yesterday"}[case]
    if forged is None:
        del fields["comment_stamp"]
    else:
        fields["comment_stamp"] = forged
    time.sleep(1.1)
    r, sent = send(srv, path, fields, comment=f"A person's words ({case}).")
    kept = refused_page(r, 400, r"not loaded from this site", kept=sent)
    assert g.comments() == []
    # the page that came back has a new, genuine stamp: a person can send again
    assert TIME_STAMP.fullmatch(kept["comment_stamp"]) and kept["comment_stamp"] != forged
    time.sleep(1.1)
    approved_id(srv.post_form(path + "comments", kept), path)
    assert len(g.comments()) == 1


# ---------------------------------------------------------------------------------------------
# The honeypot


def test_honeypot_filled_is_refused_and_nothing_stored(defended):
    g, srv, pid, path = defended
    g.run("set", "comments.min_seconds", "0")  # this test is about the honeypot alone
    _, fields, _ = page_form(srv, path)
    assert "comment_stamp" not in fields, "min_seconds 0 still puts a time in the form"
    r, sent = send(srv, path, fields, subject="https://cheap-pills.example/")
    refused_page(r, 400, r"not accepted.*field that people leave empty", kept=sent)
    assert g.comments() == []
    r, _ = send(srv, path, fields, subject="")
    approved_id(r, path)
    # switched off: the field leaves the form and is not looked at
    g.run("set", "comments.honeypot", "false")
    _, fields, form = page_form(srv, path)
    assert form.find("input", name="subject") is None
    r, _ = send(srv, path, fields, subject="filled by some browser")
    approved_id(r, path)
    assert len(g.comments()) == 2


# ---------------------------------------------------------------------------------------------
# The per-address limit


def test_per_ip_limit_answers_429(defended):
    g, srv, pid, path = defended
    g.run("set", "comments.min_seconds", "0")
    g.run("set", "comments.per_ip_10min", "3")
    _, fields, _ = page_form(srv, path)
    for _ in range(3):
        r, _ = send(srv, path, fields)
        approved_id(r, path)
    r, sent = send(srv, path, fields, comment="The fourth in ten minutes.")
    refused_page(r, 429, r"10 minutes", kept=sent)
    assert r.header("Retry-After") == "600"
    assert len(g.comments()) == 3
    # pending and approved comments count alike; 0 lifts the limit
    g.run("set", "comments.per_ip_10min", "0")
    approved_id(send(srv, path, fields)[0], path)
    assert len(g.comments()) == 4


# ---------------------------------------------------------------------------------------------
# Held for links or hold words, with the reason


def test_too_many_links_are_held_with_the_reason(defended):
    g, srv, pid, path = defended
    g.run("set", "comments.min_seconds", "0")
    _, fields, _ = page_form(srv, path)
    two = approved_id(send(srv, path, fields, comment="[one](https://1.example/) and "
                           "https://2.example/")[0], path)
    three = held_id(send(srv, path, fields, comment="[one](https://1.example/), "
                         "<https://2.example/> and www.3.example")[0], path)
    (row,) = g.comments("--status", "pending")
    assert row["id"] == three
    assert row["held_by"] == "3 links (more than comments.max_links = 2)"
    assert {r["id"]: r["held_by"] for r in g.comments("--status", "approved")} == {two: ""}
    # held, so not public
    assert srv.get(path).tree().find("li", id=f"comment-{three}") is None
    # 0: no limit
    g.run("set", "comments.max_links", "0")
    approved_id(send(srv, path, fields, comment=" ".join(
        f"https://{i}.example/" for i in range(6)))[0], path)


def test_hold_word_in_the_url_holds(defended):
    g, srv, pid, path = defended
    g.run("set", "comments.min_seconds", "0")
    g.run("set", "comments.hold_words", "casino\n  poker \n\ncheap loans, replica")
    assert g.out("get", "comments.hold_words") == "casino\n  poker \n\ncheap loans, replica\n"
    _, fields, _ = page_form(srv, path)
    in_url = held_id(send(srv, path, fields, url="https://www.Best-Casino.example/")[0], path)
    in_text = held_id(send(srv, path, fields, comment="Come to POKER night")[0], path)
    in_name = held_id(send(srv, path, fields, author="Replica Watches")[0], path)
    fine = approved_id(send(srv, path, fields, comment="Cheap, loaned books.")[0], path)
    held = {r["id"]: r["held_by"] for r in g.comments("--status", "pending")}
    assert held == {in_url: 'hold word "casino" in the website',
                    in_text: 'hold word "poker" in the comment',
                    in_name: 'hold word "replica" in the name'}
    assert fine not in held


def test_first_time_moderation_says_why(defended):
    g, srv, pid, path = defended
    g.run("set", "comments.min_seconds", "0")
    g.run("set", "comments.moderation", "first-time")
    _, fields, _ = page_form(srv, path)
    cid = held_id(send(srv, path, fields)[0], path)
    (row,) = g.comments("--status", "pending")
    assert (row["id"], row["held_by"]) == (cid, "first comment from this name and email")


# ---------------------------------------------------------------------------------------------
# Block words


def test_block_word_in_the_email_refuses(defended):
    g, srv, pid, path = defended
    g.run("set", "comments.min_seconds", "0")
    g.run("set", "comments.block_words", "spam-domain.example,\nfree money")
    _, fields, _ = page_form(srv, path)
    r, _ = send(srv, path, fields, email="bot@SPAM-Domain.example")
    refused_page(r, 403, r"not accepted")
    assert "spam-domain" not in r.text.lower(), "the page tells the spammer the word"
    r, _ = send(srv, path, fields, comment="Get FREE MONEY now")
    refused_page(r, 403, r"not accepted")
    assert g.comments() == []
    # the client's address is matched too (every test client is 127.0.0.1)
    g.run("set", "comments.block_words", "127.0.0.")
    refused_page(send(srv, path, fields)[0], 403, r"not accepted")
    g.run("set", "comments.block_words", "")
    approved_id(send(srv, path, fields, email="person@example.com")[0], path)
    assert len(g.comments()) == 1


# ---------------------------------------------------------------------------------------------
# Settings


@pytest.mark.parametrize("key,value,said", [
    ("comments.max_links", "-1", "whole number from 0"),
    ("comments.max_links", "two", "whole number"),
    ("comments.min_seconds", "3601", "to 3600"),
    ("comments.per_ip_10min", "ten", "whole number"),
    ("comments.honeypot", "yes", "true|false"),
    ("comments.hold_words", "x" * 10001, "10000 bytes"),
    ("comments.block_words", "x" * 10001, "10000 bytes"),
], ids=lambda v: v if len(v) < 40 else f"{len(v)}-bytes")
def test_set_refuses_bad_values(defended, key, value, said):
    g, srv, pid, path = defended
    before = g.out("get", key)
    p = g.run("set", key, value, expect=2)
    assert key in p.stderr and said in p.stderr, p.stderr
    assert g.out("get", key) == before


def test_set_accepts_good_values(defended):
    g, srv, pid, path = defended
    for key, value in (("comments.max_links", "0"), ("comments.min_seconds", "0"),
                       ("comments.per_ip_10min", "100000"), ("comments.honeypot", "false"),
                       ("comments.block_words", "a\nb, c\n" + "x" * 9000)):
        g.run("set", key, value)
        assert g.out("get", key) == value + "\n", key


# ---------------------------------------------------------------------------------------------
# The reader's address behind a proxy (http.trusted_proxies)


def test_forwarded_for_counts_only_from_a_trusted_proxy(defended, start_server):
    g, srv, pid, path = defended
    g.run("set", "comments.min_seconds", "0")
    g.run("set", "comments.per_ip_10min", "1")
    _, fields, _ = page_form(srv, path)

    def post(forwarded):
        return srv.post_form(path + "comments", {**fields, **reader()},
                             headers={"X-Forwarded-For": forwarded})

    # trusting nobody (the default), X-Forwarded-For is the client's to invent: one budget
    approved_id(post("203.0.113.5"), path)
    assert post("203.0.113.6").status == 429
    srv.stop()

    g.run("set", "http.trusted_proxies", "192.0.2.1, 127.0.0.1")  # read when serving starts
    srv = start_server(g)
    approved_id(post("203.0.113.7"), path)
    approved_id(post("203.0.113.8"), path)  # another reader behind the same proxy
    assert post("203.0.113.8").status == 429  # that reader's budget is spent
    # only the proxy's own (last) entry counts: earlier ones are the client's to invent
    assert post("203.0.113.99, 203.0.113.8").status == 429
    approved_id(post("203.0.113.8, 203.0.113.9"), path)
    # a malformed entry counts as the proxy's own address: 127.0.0.1, spent by the first post
    assert post("not-an-address").status == 429
