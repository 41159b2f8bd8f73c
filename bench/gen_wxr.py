#!/usr/bin/env python3
"""gen_wxr.py: writes a plain, deterministic WordPress export (WXR 1.2) for the benchmarks.

Usage:
  gen_wxr.py thread --comments N --depth D [--seed S] --out FILE
      one published post carrying N approved comments in one thread tree exactly D levels deep
      (the first D comments form a full-depth chain; every other comment replies to a random
      comment one level up, or starts a new top-level branch)
  gen_wxr.py site --posts N --comments M [--seed S] --out FILE
      N published posts (one a day, newest last) and M approved comments spread over them,
      some as replies (up to 3 levels)

Ordinary content only (English words of our own, paragraphs, no markup attacks): this is for
timing, not for hostile input (that is tests/gen/hostile_wxr.py). Python standard library only;
the same arguments give the same file (random.Random(seed)). On stdout: one JSON line with what
was written (posts, comments, max_depth, first_permalink, bytes).
"""

import argparse
import datetime
import json
import random
import sys

BASE = "https://bench.example.test"

WORDS = (
    "the a of and to in on for with by from at as an about after before under over between "
    "city council harbour market river bridge street school library museum garden station "
    "morning evening winter summer spring autumn week month year today yesterday tomorrow "
    "reader writer editor printer reporter teacher farmer baker driver doctor neighbour "
    "report story letter column notice review answer question plan budget vote meeting "
    "new old small large quiet busy early late long short bright dark warm cold open closed "
    "said wrote asked found opened closed built moved paid voted planned walked carried "
    "water bread paper light road train ship field stone wood glass cloth salt tea coffee "
    "north south east west central local public private common simple careful patient "
    "because while although since until unless whether however therefore meanwhile "
    "lantern meadow quarry orchard kettle ledger pavilion terrace workshop ferry"
).split()


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Words:
    def __init__(self, rng):
        self.rng = rng

    def sentence(self, low, high):
        words = self.rng.choices(WORDS, k=self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def paragraph(self, low, high):
        return " ".join(self.sentence(6, 16) for _ in range(self.rng.randint(low, high)))

    def title(self):
        return " ".join(self.rng.choices(WORDS, k=self.rng.randint(3, 7))).capitalize()


def head(emit, title):
    emit('<?xml version="1.0" encoding="UTF-8" ?>')
    emit("<!-- plain WXR written by bench/gen_wxr.py -->")
    emit('<rss version="2.0"')
    emit('\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"')
    emit('\txmlns:content="http://purl.org/rss/1.0/modules/content/"')
    emit('\txmlns:wfw="http://wellformedweb.org/CommentAPI/"')
    emit('\txmlns:dc="http://purl.org/dc/elements/1.1/"')
    emit('\txmlns:wp="http://wordpress.org/export/1.2/"')
    emit(">")
    emit("<channel>")
    emit("\t<title>%s</title>" % esc(title))
    emit("\t<link>%s</link>" % BASE)
    emit("\t<description>Generated for gazette's benchmarks</description>")
    emit("\t<language>en-US</language>")
    emit("\t<wp:wxr_version>1.2</wp:wxr_version>")
    emit("\t<wp:base_site_url>%s</wp:base_site_url>" % BASE)
    emit("\t<wp:base_blog_url>%s</wp:base_blog_url>" % BASE)
    emit("\t<wp:author><wp:author_id>1</wp:author_id><wp:author_login>%s</wp:author_login>"
         "<wp:author_email>%s</wp:author_email><wp:author_display_name>%s"
         "</wp:author_display_name><wp:author_first_name>%s</wp:author_first_name>"
         "<wp:author_last_name>%s</wp:author_last_name></wp:author>" % (
             cdata("editor"), cdata("editor@bench.example.test"), cdata("Desk Editor"),
             cdata("Desk"), cdata("Editor")))
    for i, name in enumerate(["News", "Letters", "Culture"]):
        emit("\t<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename>%s"
             "</wp:category_nicename><wp:category_parent>%s</wp:category_parent>"
             "<wp:cat_name>%s</wp:cat_name></wp:category>" % (
                 i + 1, cdata(name.lower()), cdata(""), cdata(name)))


RFC_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
RFC_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def stamp(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def rfc822(moment):
    return "%s, %02d %s %04d %s +0000" % (RFC_DAYS[moment.weekday()], moment.day,
                                          RFC_MONTHS[moment.month - 1], moment.year,
                                          moment.strftime("%H:%M:%S"))


def item(emit, w, post_id, moment, slug, comments):
    """One published post; comments: list of (id, parent, moment, author, text)."""
    permalink = "/%04d/%02d/%02d/%s/" % (moment.year, moment.month, moment.day, slug)
    body = "\n\n".join(w.paragraph(3, 6) for _ in range(w.rng.randint(4, 8)))
    emit("\t<item>")
    emit("\t\t<title>%s</title>" % cdata(w.title()))
    emit("\t\t<link>%s%s</link>" % (BASE, permalink))
    emit("\t\t<pubDate>%s</pubDate>" % rfc822(moment))
    emit("\t\t<dc:creator>%s</dc:creator>" % cdata("editor"))
    emit('\t\t<guid isPermaLink="false">%s/?p=%d</guid>' % (BASE, post_id))
    emit("\t\t<description></description>")
    emit("\t\t<content:encoded>%s</content:encoded>" % cdata(body))
    emit("\t\t<excerpt:encoded>%s</excerpt:encoded>" % cdata(""))
    emit("\t\t<wp:post_id>%d</wp:post_id>" % post_id)
    emit("\t\t<wp:post_date>%s</wp:post_date>" % cdata(stamp(moment)))
    emit("\t\t<wp:post_date_gmt>%s</wp:post_date_gmt>" % cdata(stamp(moment)))
    emit("\t\t<wp:comment_status>%s</wp:comment_status>" % cdata("open"))
    emit("\t\t<wp:ping_status>%s</wp:ping_status>" % cdata("closed"))
    emit("\t\t<wp:post_name>%s</wp:post_name>" % cdata(slug))
    emit("\t\t<wp:status>%s</wp:status>" % cdata("publish"))
    emit("\t\t<wp:post_parent>0</wp:post_parent>")
    emit("\t\t<wp:menu_order>0</wp:menu_order>")
    emit("\t\t<wp:post_type>%s</wp:post_type>" % cdata("post"))
    emit("\t\t<wp:post_password>%s</wp:post_password>" % cdata(""))
    emit("\t\t<wp:is_sticky>0</wp:is_sticky>")
    name = ["News", "Letters", "Culture"][post_id % 3]
    emit('\t\t<category domain="category" nicename="%s">%s</category>' % (name.lower(),
                                                                          cdata(name)))
    for cid, parent, cmoment, author, text in comments:
        emit("\t\t<wp:comment>")
        emit("\t\t\t<wp:comment_id>%d</wp:comment_id>" % cid)
        emit("\t\t\t<wp:comment_author>%s</wp:comment_author>" % cdata(author))
        emit("\t\t\t<wp:comment_author_email>%s</wp:comment_author_email>"
             % cdata(author.lower().replace(" ", ".") + "@reader.example.test"))
        emit("\t\t\t<wp:comment_author_url>%s</wp:comment_author_url>" % cdata(""))
        emit("\t\t\t<wp:comment_author_IP>%s</wp:comment_author_IP>"
             % cdata("192.0.2.%d" % (cid % 250 + 1)))
        emit("\t\t\t<wp:comment_date>%s</wp:comment_date>" % cdata(stamp(cmoment)))
        emit("\t\t\t<wp:comment_date_gmt>%s</wp:comment_date_gmt>" % cdata(stamp(cmoment)))
        emit("\t\t\t<wp:comment_content>%s</wp:comment_content>" % cdata(text))
        emit("\t\t\t<wp:comment_approved>%s</wp:comment_approved>" % cdata("1"))
        emit("\t\t\t<wp:comment_type>%s</wp:comment_type>" % cdata("comment"))
        emit("\t\t\t<wp:comment_parent>%d</wp:comment_parent>" % parent)
        emit("\t\t\t<wp:comment_user_id>0</wp:comment_user_id>")
        emit("\t\t</wp:comment>")
    emit("\t</item>")
    return permalink


FIRST = ["Ann", "Ben", "Cora", "Dan", "Eva", "Finn", "Gus", "Hana", "Ivo", "Jill", "Kai", "Lena"]
LAST = ["Baker", "Carter", "Dale", "Ellis", "Ford", "Grant", "Hale", "Irving", "Jones", "Kerr"]


def author(rng):
    return "%s %s" % (rng.choice(FIRST), rng.choice(LAST))


def comment_text(w):
    return "\n\n".join(w.paragraph(1, 3) for _ in range(w.rng.randint(1, 2)))


def thread(args):
    rng = random.Random(args.seed)
    w = Words(rng)
    lines = []
    emit = lines.append
    head(emit, "Bench thread")
    start = datetime.datetime(2024, 3, 1, 9, 0, 0)
    levels = [[] for _ in range(args.depth)]  # comment ids per level (0 = top level)
    comments = []
    for i in range(args.comments):
        cid = i + 1
        if i < args.depth:
            level = i  # the full-depth chain first
        else:
            level = rng.choice([0] + [1] * 3 + [2] * 3 + [3] * 2 + [4] * 2)
            level = min(level, args.depth - 1)
        parent = rng.choice(levels[level - 1]) if level > 0 else 0
        if level > 0 and i < args.depth:
            parent = levels[level - 1][-1]
        levels[level].append(cid)
        comments.append((cid, parent, start + datetime.timedelta(minutes=3 * i + 5),
                         author(rng), comment_text(w)))
    permalink = item(emit, w, 100, start, "a-long-conversation", comments)
    emit("</channel>")
    emit("</rss>")
    depth = sum(1 for level in levels if level)
    return lines, {"posts": 1, "comments": args.comments, "max_depth": depth,
                   "first_permalink": permalink}


def site(args):
    rng = random.Random(args.seed)
    w = Words(rng)
    lines = []
    emit = lines.append
    head(emit, "Bench site")
    start = datetime.datetime(2000, 1, 1, 8, 0, 0)
    # spread the comments: each post gets a random share (some none, some many)
    counts = [0] * args.posts
    for _ in range(args.comments):
        counts[rng.randrange(args.posts)] += 1
    next_id = 1
    first = None
    max_depth = 0
    for p in range(args.posts):
        moment = start + datetime.timedelta(days=p, minutes=rng.randint(0, 600))
        comments = []
        depth_of = {}
        for c in range(counts[p]):
            cid = next_id
            next_id += 1
            parent = 0
            if comments and rng.random() < 0.3:
                parent = rng.choice(comments)[0]
                if depth_of[parent] >= 3:
                    parent = 0
            depth_of[cid] = depth_of[parent] + 1 if parent else 1
            max_depth = max(max_depth, depth_of[cid])
            comments.append((cid, parent, moment + datetime.timedelta(minutes=7 * c + 3),
                             author(rng), comment_text(w)))
        permalink = item(emit, w, 1000 + p, moment, "post-%d" % (p + 1), comments)
        first = first or permalink
    emit("</channel>")
    emit("</rss>")
    return lines, {"posts": args.posts, "comments": args.comments, "max_depth": max_depth,
                   "first_permalink": first}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    t = sub.add_parser("thread", help="one post with one deep comment thread")
    t.add_argument("--comments", type=int, default=1000)
    t.add_argument("--depth", type=int, default=5)
    s = sub.add_parser("site", help="many posts and comments")
    s.add_argument("--posts", type=int, default=10000)
    s.add_argument("--comments", type=int, default=100000)
    for p in (t, s):
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.mode == "thread":
        if args.depth < 1 or args.comments < args.depth:
            parser.error("--depth must be at least 1 and --comments at least --depth")
        lines, summary = thread(args)
    else:
        if args.posts < 1 or args.comments < 0:
            parser.error("--posts must be at least 1 and --comments not negative")
        lines, summary = site(args)
    text = "\n".join(lines) + "\n"
    data = text.encode("utf-8")
    with open(args.out, "wb") as f:
        f.write(data)
    summary["bytes"] = len(data)
    json.dump(summary, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
