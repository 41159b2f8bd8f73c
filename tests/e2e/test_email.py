# test_email.py: "Print Friendly, PDF & Email", the email half: the form, every refusal (bad
# input 400, cross-origin 403, hourly limits 429) keeping what was typed, mail not set up (no
# Email link, 404), and delivery through the durable outbox to a real SMTP server
# (tests/unit/smtp_sink.py on Debian's python3-aiosmtpd): headers, both MIME parts, header
# injection, the SMTP server down and back, and a SIGKILLed server whose queued messages are
# all delivered once after restart. Against phishing relays: From names the site only, the
# visitor's name and note are marked as theirs and make no links, the limits count normalised
# addresses and hold under parallel sends, and the form has the comment form's spam defences.
import concurrent.futures
import email
import email.header
import email.utils
import os
import re
import select
import subprocess
import threading
import time

import pytest

from conftest import SOURCE, eventually, free_port, import_seed, parse_html

SINK = os.path.join(SOURCE, "tests", "unit", "smtp_sink.py")
PYTHON = "/usr/bin/python3"  # Debian's, with python3-aiosmtpd
FROM = "news@ledger.example.org"
SITE_TITLE = "Evening Ledger"
SITE_URL = "https://ledger.example.org"  # site.url: where an email's links point
ZWSP = "\u200b"  # what the HTML part puts after '.', ':', '/', '@' in a note: no autolinks
SENDER_POLL = 2.0  # the server's sender thread looks at the outbox this often
DELIVERY = 8.0     # seconds allowed for a message to reach the sink


# ---------------------------------------------------------------------------------------------
# The SMTP sink


class SmtpSink:
    """smtp_sink.py in its own directory: .port, messages() (in arrival order)."""

    def __init__(self, directory, port=None):
        os.makedirs(directory)
        self.directory = directory
        cmd = [PYTHON, SINK] + (["--port", str(port)] if port else []) + [directory]
        self.err = open(directory + ".err", "wb")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err)
        ready, _, _ = select.select([self.proc.stdout], [], [], 15)
        line = self.proc.stdout.readline().decode() if ready else ""
        if not line.startswith("PORT "):
            self.stop()
            pytest.fail(f"smtp_sink.py did not start: {line!r} {self.stderr()}", pytrace=False)
        self.port = int(line.split()[1])

    def stderr(self):
        with open(self.directory + ".err", "rb") as f:
            return f.read().decode("utf-8", "replace")[-2000:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.err.close()

    def messages(self):
        """[dict(n, raw, msg, mail_from, rcpt)] of the stored messages, by number."""
        out = []
        names = [f for f in os.listdir(self.directory) if f.endswith(".eml")]
        for name in sorted(names, key=lambda f: int(f.split(".")[0])):
            base = os.path.join(self.directory, name[:-4])
            with open(base + ".eml", "rb") as f:
                raw = f.read()
            with open(base + ".from") as f:
                mail_from = f.read()
            with open(base + ".rcpt") as f:
                rcpt = f.read().split()
            out.append(dict(n=int(name[:-4]), raw=raw, msg=email.message_from_bytes(raw),
                            mail_from=mail_from, rcpt=rcpt))
        return out

    def wait_for(self, count, timeout=DELIVERY):
        return eventually(self.messages, lambda m: len(m) >= count, timeout=timeout, poll=0.05)


@pytest.fixture
def smtp_sink(tmp_path):
    """Factory: smtp_sink(port=None) starts a sink (on `port` if given), stopped at the end."""
    sinks = []

    def start(port=None):
        s = SmtpSink(str(tmp_path / f"sink-{len(sinks) + 1}"), port)
        sinks.append(s)
        return s

    yield start
    for s in sinks:
        s.stop()


def decoded(msg, name):
    """A header decoded with decode_header/make_header (email.policy.default mis-joins long
    encoded display names)."""
    v = msg.get(name)
    return None if v is None else str(email.header.make_header(email.header.decode_header(v)))


def parts(msg):
    """{content type: decoded text} of the leaf parts."""
    out = {}
    for p in msg.walk():
        if p.is_multipart():
            continue
        out[p.get_content_type()] = p.get_payload(decode=True).decode(
            p.get_content_charset() or "us-ascii")
    return out


# ---------------------------------------------------------------------------------------------
# Sites


def mail_site(g, smtp_url=None, **settings):
    """The site's title and, with smtp_url, everything mail needs: mail.smtp_url, mail.from and
    site.url (email links are made from it only)."""
    g.run("set", "site.title", SITE_TITLE)
    if smtp_url:
        g.run("set", "mail.smtp_url", smtp_url)
        g.run("set", "mail.from", FROM)
        g.run("set", "site.url", SITE_URL)
    for k, v in settings.items():
        g.run("set", k.replace("__", "."), str(v))
    return g


def dead_port():
    """A loopback port nothing listens on (connection refused): "the SMTP server is down"."""
    return free_port()


def own_post(g, tmp_path, title="Tidewater notes", body=None):
    body = body or ("The harbour *lanterns* burned all night.\n\n## Morning\n\n"
                    "By dawn the gulls had returned to the quay.")
    return g.new_post(tmp_path, title, body=body, status="publish", date="2024-06-07 08:09")


def queue(g):
    """`mail queue` as dicts, oldest first."""
    rows = []
    for line in g.out("mail", "queue").splitlines():
        if not line.strip():
            continue
        cols = line.split("\t")
        assert len(cols) == 7, f"mail queue line has {len(cols)} columns: {line!r}"
        rows.append(dict(id=cols[0], status=cols[1], created=cols[2], recipient=cols[3],
                         attempts=int(cols[4]), next=cols[5], error=cols[6]))
    return sorted(rows, key=lambda r: int(r["id"]))


def form_values(doc):
    form = doc.one("form", id="emailform")
    vals = {n: form.one("input", name=n).get("value", "") for n in ("to", "name", "email")}
    note = form.one("textarea", name="note").raw_text()
    vals["note"] = (note[1:] if note.startswith("\n") else note).replace("\r\n", "\n")
    return vals


def send(srv, path, headers=None, **fields):
    f = dict(to="reader@example.net", name="Ada Quill", email="", note="")
    f.update(fields)
    return srv.post_form(path + "email/", f, headers=headers)


def assert_sent(r, path):
    assert r.status == 303, (r, r.text[:1500])
    assert r.location_path() == path + "email/?sent=1"


# ---------------------------------------------------------------------------------------------
# The form


def test_email_form(site, tmp_path, start_server):
    mail_site(site, f"smtp://127.0.0.1:{dead_port()}")
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    r = srv.get(path + "email/")
    assert r.status == 200 and (r.header("Content-Type") or "").startswith("text/html")
    doc = r.tree()
    form = doc.one("form", id="emailform")
    assert form.get("method", "").lower() == "post"
    action = form.get("action")
    assert action is None or action.split("?")[0].rstrip("/") + "/" in ("", path + "email/"), action
    to = form.one("input", name="to")
    assert to.get("type") == "email"
    assert form.one("input", name="name").get("type", "text") == "text"
    assert form.one("input", name="email").get("type") == "email"
    assert "required" not in form.one("input", name="email").attrs, "the sender's email is optional"
    assert form.one("textarea", name="note").get("maxlength") == "500"
    assert form.find("button") is not None or form.find("input", type="submit") is not None
    assert "Tidewater notes" in doc.text, "the form does not say which article"
    # the confirmation page
    doc = srv.get(path + "email/?sent=1").tree()
    assert re.search(r"on its way", doc.text, re.I), "no 'on its way' notice after sending"
    assert not re.search(r"on its way", srv.get(path + "email/").tree().text, re.I)


# ---------------------------------------------------------------------------------------------
# Refusals

PROBLEM = r"valid|enter|required|missing|empty|too long|at most|500|one|must|please|not"
CASES = {
    "missing-to": (dict(to=""), r"address|email|send"),
    "invalid-to": (dict(to="not-an-address"), r"address|email"),
    "two-recipients": (dict(to="a@example.net, b@example.net"), r"one|address"),
    "to-with-newline": (dict(to="a@example.net\r\nBcc: c@example.net"), r"address|email"),
    "missing-name": (dict(name=""), r"name"),
    "blank-name": (dict(name="   "), r"name"),
    "invalid-sender-email": (dict(email="me@@example"), r"email|address"),
    "sender-email-with-newline": (dict(email="ada@example.org\r\nBcc: c@example.net"),
                                  r"email|address"),
    "sender-email-with-lf": (dict(email="ada@example.org\nX-Injected: 1"), r"email|address"),
    "note-too-long": (dict(note="n" * 501), r"note|long|500|characters|bytes"),
    "invalid-utf8": (dict(note=b"caf\xe9 \xff"), r"utf-?8|encoding|character|text|note"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_validation_error_keeps_values(site, tmp_path, start_server, case):
    mail_site(site, f"smtp://127.0.0.1:{dead_port()}")
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    base_blocks = set(srv.get(path + "email/").tree().blocks())
    changes, subject = CASES[case]
    fields = dict(to="reader@example.net", name="Ada Quill", email="ada@example.org",
                  note="A few words\nof mine.")
    fields.update(changes)
    r = srv.post_form(path + "email/", fields)
    assert r.status == 400, (case, r, r.text[:800])
    doc = r.tree()
    new = [b for b in doc.blocks(exclude=("textarea",)) if b not in base_blocks]
    said = [b for b in new if re.search(subject, b, re.I) and re.search(PROBLEM, b, re.I)]
    assert said, f"{case}: the 400 page does not say what is wrong; new text: {new[:10]}"
    kept = form_values(doc)
    for name, value in fields.items():
        if isinstance(value, str) and "\r" not in value:
            assert kept[name] == value, (case, name, kept[name][:80])
    assert queue(site) == [], f"{case}: a refused request queued a message"


def test_note_of_500_bytes_is_accepted(site, tmp_path, start_server, smtp_sink):
    sink = smtp_sink()
    mail_site(site, f"smtp://127.0.0.1:{sink.port}")
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    note = ("é" * 250)  # 500 bytes of UTF-8
    assert_sent(send(srv, path, note=note), path)
    (m,) = sink.wait_for(1)
    assert note in parts(m["msg"])["text/plain"]
    r = send(srv, path, to="other@example.net", note=note + "x")
    assert r.status == 400


def email_links(srv, path):
    """The Email links of the article page's Print Friendly bar."""
    doc = srv.get(path).tree()
    (bar,) = [n for n in doc.find_all("nav") if "Print Friendly, PDF & Email" in n.text]
    return [a for a in bar.find_all("a") if a.get("href", "").endswith("email/")]


def assert_no_email_here(srv, path):
    """No Email link on the article page, and PERMALINK/email/ is 404 with a reason, both
    ways, nothing queued."""
    assert email_links(srv, path) == []
    for r in (srv.get(path + "email/"), send(srv, path, note="Kept words.")):
        assert r.status == 404, (r, r.text[:500])
        assert re.search(r"does not send articles by email", r.tree().text, re.I), r.text[:800]
        assert r.tree().find("form", id="emailform") is None


def test_not_configured_has_no_link_and_is_404(site, tmp_path, start_server):
    mail_site(site)  # no mail.smtp_url, no mail.from, no site.url
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    assert srv.get(path + "print/").status == 200  # the rest of the bar is there
    assert_no_email_here(srv, path)
    # mail.smtp_url and mail.from without site.url are not enough: the links would have to
    # come from the Host header
    site.run("set", "mail.smtp_url", f"smtp://127.0.0.1:{dead_port()}")
    site.run("set", "mail.from", FROM)
    eventually(lambda: srv.get(path + "email/"), lambda r: r.status == 404)
    assert_no_email_here(srv, path)
    assert 'email/"' not in site.out("render", "html", path)
    # nor are site.url and mail.from without mail.smtp_url
    site.run("set", "site.url", SITE_URL)
    site.run("set", "mail.smtp_url", "")
    time.sleep(SENDER_POLL)
    assert_no_email_here(srv, path)
    assert queue(site) == []
    # all three: the link appears (the cached page too) and the form answers
    site.run("set", "mail.smtp_url", f"smtp://127.0.0.1:{dead_port()}")
    links = eventually(lambda: email_links(srv, path), lambda got: len(got) == 1)
    assert [a.get("href") for a in links] == [path + "email/"], links
    assert srv.get(path + "email/").status == 200
    assert 'href="' + path + 'email/"' in site.out("render", "html", path)


def test_cross_origin_post_is_403(site, tmp_path, start_server, smtp_sink):
    sink = smtp_sink()
    mail_site(site, f"smtp://127.0.0.1:{sink.port}")
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    for origin in ("http://evil.example", f"http://127.0.0.1:{srv.port + 1}", "null"):
        r = send(srv, path, headers={"Origin": origin})
        assert r.status == 403, (origin, r)
    assert queue(site) == []
    # the same origin (what a browser sends) is fine, as is no Origin at all
    assert_sent(send(srv, path, headers={"Origin": f"http://127.0.0.1:{srv.port}"}), path)
    assert_sent(send(srv, path, to="second@example.net"), path)
    assert len(sink.wait_for(2)) == 2


def test_limit_per_ip(site, tmp_path, start_server, smtp_sink):
    sink = smtp_sink()
    mail_site(site, f"smtp://127.0.0.1:{sink.port}", mail__limit_per_ip_hour=2,
              mail__limit_per_recipient_hour=10)
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    assert_sent(send(srv, path, to="one@example.net"), path)
    assert_sent(send(srv, path, to="two@example.net"), path)
    typed = dict(to="three@example.net", name="Ada Quill", email="ada@example.org",
                 note="Third time lucky?")
    r = send(srv, path, **typed)
    assert r.status == 429, (r, r.text[:500])
    doc = r.tree()
    assert re.search(r"hour", doc.text, re.I) and re.search(r"\b2\b|limit|most", doc.text), \
        doc.text[:600]
    assert re.search(r"(you|this (address|computer|network)).*(sent|limit)", doc.text, re.I)
    assert form_values(doc) == typed
    assert [q["recipient"] for q in queue(site)] == ["one@example.net", "two@example.net"]
    assert len(sink.wait_for(2)) == 2


def test_limit_per_recipient(site, tmp_path, start_server, smtp_sink):
    sink = smtp_sink()
    mail_site(site, f"smtp://127.0.0.1:{sink.port}", mail__limit_per_ip_hour=50)
    assert site.out("get", "mail.limit_per_recipient_hour").strip() == "3"
    assert site.out("get", "mail.limit_per_ip_hour").strip() == "50"
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    for _ in range(3):
        assert_sent(send(srv, path, to="target@example.net"), path)
    typed = dict(to="target@example.net", name="Ada Quill", email="", note="Once more.")
    r = send(srv, path, **typed)
    assert r.status == 429, (r, r.text[:500])
    doc = r.tree()
    assert re.search(r"address", doc.text, re.I) and re.search(r"hour", doc.text, re.I), \
        doc.text[:600]
    assert form_values(doc) == typed
    # another recipient is still fine
    assert_sent(send(srv, path, to="someone.else@example.net"), path)
    assert sorted(q["recipient"] for q in queue(site)) == ["someone.else@example.net"] + [
        "target@example.net"] * 3
    assert len(sink.wait_for(4)) == 4


def test_default_ip_limit_is_10(site, tmp_path, start_server):
    mail_site(site, f"smtp://127.0.0.1:{dead_port()}")
    assert site.out("get", "mail.limit_per_ip_hour").strip() == "10"
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    for k in range(10):
        assert_sent(send(srv, path, to=f"r{k}@example.net"), path)
    assert send(srv, path, to="r10@example.net").status == 429
    assert len(queue(site)) == 10


# ---------------------------------------------------------------------------------------------
# Delivery


def test_article_arrives_with_headers_and_both_parts(seeded_site, start_server, smtp_sink):
    g = seeded_site
    sink = smtp_sink()
    mail_site(g, f"smtp://127.0.0.1:{sink.port}")
    (row,) = g.posts()
    title = row["title"]
    srv = start_server(g)
    note = "Thought you’d like this one —\nsee the second part."
    before = time.time()
    r = send(srv, row["path"], to="friend@example.net", name="Zoë Ångström-Lindqvist",
             email="zoe@example.org", note=note)
    assert_sent(r, row["path"])
    (m,) = sink.wait_for(1)
    msg = m["msg"]

    # envelope
    assert m["mail_from"] == FROM
    assert m["rcpt"] == ["friend@example.net"]
    # headers
    name, addr = email.utils.parseaddr(decoded(msg, "From"))
    assert (name, addr) == (SITE_TITLE, FROM)
    assert email.utils.parseaddr(msg["Reply-To"]) == ("", "zoe@example.org")
    assert email.utils.getaddresses(msg.get_all("To")) == [("", "friend@example.net")]
    assert decoded(msg, "Subject") == title
    assert all(ord(c) < 128 for c in msg["Subject"]), "raw UTF-8 in the Subject header"
    sent = email.utils.parsedate_to_datetime(msg["Date"]).timestamp()
    assert before - 5 <= sent <= time.time() + 5, msg["Date"]
    assert re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", msg["Message-ID"].strip()), msg["Message-ID"]
    assert msg["MIME-Version"] == "1.0"
    for h in ("From", "To", "Subject", "Date", "Message-ID", "Reply-To"):
        assert len(msg.get_all(h)) == 1, h
    # no raw 8-bit bytes in any header
    head = m["raw"].split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in m["raw"] else m["raw"].split(
        b"\n\n", 1)[0]
    assert all(b < 128 for b in head), "8-bit bytes in the header"

    # body: multipart/alternative with text then html
    assert msg.get_content_type() == "multipart/alternative"
    kinds = [p.get_content_type() for p in msg.get_payload()]
    assert kinds == ["text/plain", "text/html"], kinds
    got = parts(msg)
    text, html = got["text/plain"], got["text/html"]
    flat = " ".join(text.split())
    intro = flat.index(f'A visitor to {SITE_TITLE} who gave the name "Zoë Ångström-Lindqvist" '
                       f'sent you this article.')
    quoted = [ln[2:] for ln in text.splitlines() if ln.startswith("> ")]
    assert quoted == note.split("\n"), text[:800]
    first_line = " ".join(note.split("\n")[0].split())
    assert intro < flat.index(first_line)
    article = g.out("render", "text", row["id"])
    lines = article.splitlines()
    end = next(i for i, ln in enumerate(lines) if ln.strip() == "Print Friendly, PDF & Email")
    article_flat = " ".join("\n".join(lines[1:end]).split())
    assert article_flat in flat, "the text part is not the article's text rendering"
    assert flat.index(first_line) < flat.index(article_flat)

    doc = parse_html(html)
    assert doc.one("h1").text == title
    notes = [n for n in doc.find_all(cls="note")]
    assert notes and " ".join(note.split()) in notes[0].text.replace(ZWSP, ""), \
        "no note block in the html part"
    assert "Zoë Ångström-Lindqvist" in notes[0].text
    main = doc.one("main", cls="entry-content")
    assert len(main.find_all("h2")) == 4
    assert article_flat.split()[:40] == main.text.split()[:40]
    assert doc.find_all("style"), "the html part has no inline styles"
    assert not [n for n in doc.find_all("link") if "stylesheet" in n.get("rel", "")]
    assert doc.find("form") is None and doc.find("script") is None

    # the outbox says sent, once
    rows = queue(g)
    assert [(q["status"], q["recipient"], q["attempts"]) for q in rows] == [
        ("sent", "friend@example.net", 1)]


def test_no_reply_to_without_sender_email(site, tmp_path, start_server, smtp_sink):
    sink = smtp_sink()
    mail_site(site, f"smtp://127.0.0.1:{sink.port}")
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    assert_sent(send(srv, path, to="plain@example.net", name="Plain Name", email=""), path)
    (m,) = sink.wait_for(1)
    msg = m["msg"]
    assert msg["Reply-To"] is None
    assert email.utils.parseaddr(decoded(msg, "From")) == (SITE_TITLE, FROM)
    assert decoded(msg, "Subject") == "Tidewater notes"
    text = parts(msg)["text/plain"]
    assert "By dawn the gulls had returned to the quay." in " ".join(text.split())


def test_header_injection_adds_no_headers(site, tmp_path, start_server, smtp_sink):
    sink = smtp_sink()
    mail_site(site, f"smtp://127.0.0.1:{sink.port}")
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    r = send(srv, path, to="target@example.net",
             name="Eve\r\nBcc: victim@example.net\r\nX-Injected: name",
             note="hello\r\nBcc: other@example.net\r\n\r\nX-Injected: note\n.\nRCPT TO:<x@y.z>")
    if r.status == 400:  # refusing a name with line breaks is fine too
        assert queue(site) == []
        return
    assert_sent(r, path)
    (m,) = sink.wait_for(1)
    msg = m["msg"]
    assert m["rcpt"] == ["target@example.net"]
    assert msg["Bcc"] is None and msg["X-Injected"] is None, msg.keys()
    assert [k.lower() for k in msg.keys()].count("to") == 1
    name, addr = email.utils.parseaddr(decoded(msg, "From"))
    assert addr == FROM and "\n" not in name and "\r" not in name
    for p in msg.walk():
        assert p["Bcc"] is None and p["X-Injected"] is None
    text = parts(msg)["text/plain"]
    assert "X-Injected: note" in text, "the note (plain text) lost its lines"
    assert "RCPT TO:<x@y.z>" in text
    time.sleep(SENDER_POLL + 0.5)
    assert len(sink.messages()) == 1


def test_note_is_plain_text(site, tmp_path, start_server, smtp_sink):
    sink = smtp_sink()
    mail_site(site, f"smtp://127.0.0.1:{sink.port}")
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    note = "<b>bold?</b> <script>alert(1)</script> <a href=\"https://evil.example\">x</a>"
    assert_sent(send(srv, path, note=note), path)
    (m,) = sink.wait_for(1)
    got = parts(m["msg"])
    assert note in got["text/plain"]
    doc = parse_html(got["text/html"])
    block = doc.find_all(cls="note")[0]
    assert note in block.text.replace(ZWSP, "")
    assert block.find("b") is None and block.find("a") is None
    assert doc.find("script") is None


def test_smtp_down_then_back(site, tmp_path, start_server, smtp_sink):
    port = dead_port()
    mail_site(site, f"smtp://127.0.0.1:{port}")
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    assert_sent(send(srv, path, to="patient@example.net", note="Eventually."), path)
    rows = eventually(lambda: queue(site), lambda q: q and q[0]["attempts"] >= 1, timeout=5)
    (row,) = rows
    assert row["status"] == "queued" and row["attempts"] == 1, row
    assert row["error"] not in ("", "-"), "no error recorded for the failed attempt"
    assert re.search(r"connect|refused", row["error"], re.I), row["error"]
    assert row["next"] not in ("", "-"), row

    sink = smtp_sink(port)  # the SMTP server is back, on the same port
    assert sink.port == port
    site.run("mail", "retry", row["id"])
    (m,) = sink.wait_for(1)
    assert m["rcpt"] == ["patient@example.net"]
    assert "Eventually." in parts(m["msg"])["text/plain"]
    rows = eventually(lambda: queue(site), lambda q: q[0]["status"] == "sent")
    assert [(q["status"], q["attempts"]) for q in rows] == [("sent", 2)]
    # exactly once: nothing more arrives
    time.sleep(SENDER_POLL + 0.5)
    assert len(sink.messages()) == 1
    # a sent message cannot be requeued
    p = site.run("mail", "retry", row["id"], expect=1)
    assert p.stderr.strip()


def test_sigkill_with_queued_mail_then_restart(site, tmp_path, start_server, smtp_sink):
    port = dead_port()
    mail_site(site, f"smtp://127.0.0.1:{port}")
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    recipients = [f"queued{k}@example.net" for k in range(4)]
    for k, to in enumerate(recipients):
        assert_sent(send(srv, path, to=to, note=f"Message {k}."), path)
    # every message tried once and waiting for its retry: then the server dies
    rows = eventually(lambda: queue(site), lambda q: len(q) == 4 and all(
        r["status"] == "queued" and r["attempts"] >= 1 for r in q), timeout=5)
    assert [(r["recipient"], r["status"]) for r in rows] == [(to, "queued") for to in recipients]
    srv.kill()
    rows = queue(site)
    assert [(r["recipient"], r["status"]) for r in rows] == [(to, "queued") for to in recipients], \
        "the outbox lost messages in the crash"
    # due now rather than in a minute (the backoff), so that the test is quick
    for r in rows:
        site.run("mail", "retry", r["id"])

    sink = smtp_sink(port)
    start_server(site)
    got = sink.wait_for(4)
    time.sleep(SENDER_POLL + 0.5)  # anything sent twice has had time to arrive
    got = sink.messages()
    assert sorted(r for m in got for r in m["rcpt"]) == sorted(recipients)
    ids = [m["msg"]["Message-ID"] for m in got]
    assert len(ids) == 4 and len(set(ids)) == 4, ids
    notes = sorted(re.search(r"Message (\d)\.", parts(m["msg"])["text/plain"]).group(1)
                   for m in got)
    assert notes == ["0", "1", "2", "3"]
    rows = eventually(lambda: queue(site), lambda q: all(r["status"] == "sent" for r in q))
    assert [r["status"] for r in rows] == ["sent"] * 4


def test_sigkill_right_after_posting(site, tmp_path, start_server, smtp_sink):
    """A 303 means the message is committed: killing the server at once loses nothing."""
    port = dead_port()
    mail_site(site, f"smtp://127.0.0.1:{port}")
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    assert_sent(send(srv, path, to="durable@example.net"), path)
    srv.kill()
    rows = queue(site)
    assert [r["recipient"] for r in rows] == ["durable@example.net"]
    assert rows[0]["status"] in ("queued", "sending"), rows
    if rows[0]["status"] == "queued":
        site.run("mail", "retry", rows[0]["id"])
        sink = smtp_sink(port)
        start_server(site)
        (m,) = sink.wait_for(1)
        assert m["rcpt"] == ["durable@example.net"]
        time.sleep(SENDER_POLL + 0.5)
        assert len(sink.messages()) == 1


# ---------------------------------------------------------------------------------------------
# Not a phishing relay


def all_headers(msg):
    """[(name, decoded value)] of every header of the message and of its parts."""
    out = []
    for part in msg.walk():
        for k, v in part.items():
            out.append((k, str(email.header.make_header(email.header.decode_header(v)))))
    return out


def test_from_is_the_site_and_the_name_is_marked_as_the_visitors(site, tmp_path, start_server,
                                                                  smtp_sink):
    sink = smtp_sink()
    mail_site(site, f"smtp://127.0.0.1:{sink.port}")
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    assert_sent(send(srv, path, to="victim@example.net", name="Security Team",
                     email="ada@example.org", note="Please read."), path)
    (m,) = sink.wait_for(1)
    msg = m["msg"]
    assert email.utils.parseaddr(decoded(msg, "From")) == (SITE_TITLE, FROM)
    assert decoded(msg, "Subject") == "Tidewater notes"
    assert email.utils.parseaddr(msg["Reply-To"]) == ("", "ada@example.org")
    leaked = [(k, v) for k, v in all_headers(msg) if re.search(r"security|team", v, re.I)]
    assert leaked == [], "the visitor's name is in a header"
    said = (f'A visitor to {SITE_TITLE} who gave the name "Security Team" sent you this '
            f'article. {SITE_TITLE} did not check this name or their note.')
    text = parts(msg)["text/plain"]
    assert text.startswith(said), text[:300]
    html = parse_html(parts(msg)["text/html"])
    block = " ".join(html.find_all(cls="note")[0].text.split())
    assert (f"A visitor to {SITE_TITLE} who gave the name “Security Team” sent you this "
            f"article. {SITE_TITLE} did not check this name or their note.") in block, block


def test_note_links_are_not_clickable(site, tmp_path, start_server, smtp_sink):
    sink = smtp_sink()
    mail_site(site, f"smtp://127.0.0.1:{sink.port}")
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    note = ("Your account is locked: https://evil.example/login?u=1\n"
            "or www.evil.example, or write to help@evil.example.\n"
            "Thanks. ftp://files.evil.example")
    assert_sent(send(srv, path, note=note), path)
    (m,) = sink.wait_for(1)
    got = parts(m["msg"])
    # HTML: plain escaped text, no <a>, and nothing a mail program would make a link of
    doc = parse_html(got["text/html"])
    block = doc.find_all(cls="note")[0]
    assert block.find("a") is None
    assert not [a for a in doc.find_all("a") if "evil" in a.get("href", "")]
    assert " ".join(note.split()) in " ".join(block.text.replace(ZWSP, "").split())
    linkish = re.findall(r"[a-z]+://|[a-z0-9-]\.[a-z0-9]|@[a-z0-9]", block.text, re.I)
    assert linkish == [], (linkish, block.text)
    # text: the note quoted line by line under a heading, never as the site's own lines
    lines = got["text/plain"].splitlines()
    start = lines.index("Their note, as they typed it:")
    assert lines[start + 1] == ""
    assert lines[start + 2:start + 5] == ["> " + ln for ln in note.split("\n")]
    assert not [ln for ln in lines if "evil" in ln and not ln.startswith("> ")]


def test_email_links_come_from_site_url_only(site, tmp_path, start_server, smtp_sink):
    sink = smtp_sink()
    mail_site(site, f"smtp://127.0.0.1:{sink.port}")
    site.run("set", "site.url", SITE_URL + "/")  # a trailing slash is not doubled
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    assert_sent(send(srv, path, headers={"Host": "evil.example"}), path)
    (m,) = sink.wait_for(1)
    assert b"evil.example" not in m["raw"]
    got = parts(m["msg"])
    urls = re.findall(r"https?://\S+", got["text/plain"])
    assert urls and all(u.startswith(SITE_URL + "/") and "//" not in u[8:] for u in urls), urls
    assert SITE_URL + path in urls
    hrefs = [a.get("href") for a in parse_html(got["text/html"]).find_all("a")]
    assert SITE_URL + path in hrefs
    assert all(h.startswith(SITE_URL + "/") and "//" not in h[8:] for h in hrefs), hrefs


VARIANTS = ["victim@example.net", "Victim@example.net", "VICTIM@EXAMPLE.NET", "victim@Example.Net",
            " victim@example.net ", "vIcTiM@example.NET", "victiM@exAmple.net"]


def test_limit_per_recipient_counts_case_variants(site, tmp_path, start_server):
    mail_site(site, f"smtp://127.0.0.1:{dead_port()}", mail__limit_per_ip_hour=0,
              mail__limit_per_recipient_hour=3)
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    statuses = [send(srv, path, to=to).status for to in VARIANTS for _ in range(3)]
    assert statuses.count(303) == 3 and statuses.count(429) == 18, statuses
    assert [q["recipient"] for q in queue(site)] == ["victim@example.net"] * 3


def parallel_sends(srv, path, recipients):
    """POSTs the form once per recipient, all at the same moment (threads behind a barrier);
    returns the statuses."""
    barrier = threading.Barrier(len(recipients))

    def one(to):
        barrier.wait()
        return send(srv, path, to=to).status

    with concurrent.futures.ThreadPoolExecutor(len(recipients)) as pool:
        return list(pool.map(one, recipients))


def test_parallel_sends_queue_exactly_the_client_limit(site, tmp_path, start_server):
    mail_site(site, f"smtp://127.0.0.1:{dead_port()}", mail__limit_per_ip_hour=10,
              mail__limit_per_recipient_hour=0)
    _, path = own_post(site, tmp_path)
    srv = start_server(site, threads=8)
    statuses = parallel_sends(srv, path, [f"p{k}@example.net" for k in range(40)])
    assert sorted(statuses) == [303] * 10 + [429] * 30, statuses
    assert len(queue(site)) == 10


def test_parallel_sends_queue_exactly_the_recipient_limit(site, tmp_path, start_server):
    mail_site(site, f"smtp://127.0.0.1:{dead_port()}", mail__limit_per_ip_hour=0,
              mail__limit_per_recipient_hour=3)
    _, path = own_post(site, tmp_path)
    srv = start_server(site, threads=8)
    statuses = parallel_sends(srv, path, [VARIANTS[k % len(VARIANTS)] for k in range(40)])
    assert sorted(statuses) == [303] * 3 + [429] * 37, statuses
    assert [q["recipient"] for q in queue(site)] == ["victim@example.net"] * 3


STAMP = re.compile(r"\d+\.[0-9a-f]{32}")


def email_form_fields(doc):
    """The email form's hidden and honeypot fields: {name: value}."""
    form = doc.one("form", id="emailform")
    return {i.get("name"): i.get("value", "") for i in form.find_all("input")
            if i.get("name") not in ("to", "name", "email")}


def test_email_form_has_the_comment_forms_spam_defences(site, tmp_path, start_server):
    mail_site(site, f"smtp://127.0.0.1:{dead_port()}", comments__min_seconds=1,
              comments__honeypot="true")
    _, path = own_post(site, tmp_path)
    srv = start_server(site)
    doc = srv.get(path + "email/").tree()
    hidden = email_form_fields(doc)
    assert hidden.get("subject") == "", "no honeypot field"
    trap = doc.one("form", id="emailform").one("input", name="subject")
    assert trap.get("tabindex") == "-1"
    assert doc.one("p", cls="comment-form-subject").get("aria-hidden") == "true"
    assert STAMP.fullmatch(hidden.get("comment_stamp", "")), hidden
    typed = dict(to="reader@example.net", name="Ada Quill", email="ada@example.org",
                 note="Worth a look.")

    def refused(r, said):
        assert r.status == 400, (r, r.text[:800])
        doc = r.tree()
        assert re.search(said, doc.text, re.I), doc.text[:800]
        assert form_values(doc) == typed
        assert email_form_fields(doc).get("subject", "") == ""
        return email_form_fields(doc)

    # no stamp: not loaded from this site
    again = refused(send(srv, path, **typed), r"not loaded from this site")
    assert STAMP.fullmatch(again["comment_stamp"])
    # a forged one
    refused(send(srv, path, comment_stamp="1.0123456789abcdef0123456789abcdef", **typed),
            r"not loaded from this site")
    # the genuine stamp at once: too quick, and the form keeps that stamp
    stamp = hidden["comment_stamp"]
    again = refused(send(srv, path, comment_stamp=stamp, **typed), r"too quickly")
    assert again["comment_stamp"] == stamp
    time.sleep(1.2)
    # the honeypot filled
    refused(send(srv, path, comment_stamp=stamp, subject="x", **typed), r"leave empty")
    assert queue(site) == []
    # a person: a genuine stamp old enough and the hidden field empty
    assert_sent(send(srv, path, comment_stamp=stamp, subject="", **typed), path)
    assert len(queue(site)) == 1
