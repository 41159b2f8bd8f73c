#!/usr/bin/python3
"""hostile_wxr.py: writes a large, deterministic, hostile WordPress export (WXR 1.2) for tests.

Usage: hostile_wxr.py [--posts N] [--comments N] [--seed S] --out FILE

Every text field mixes Cyrillic, Arabic, CJK and emoji with markup attacks (script, event
handlers, javascript:/vbscript:/data: URLs, iframe, style, svg) and with characters that need
escaping; CDATA sections contain "]]>" split the way WordPress splits it (]]]]><![CDATA[>).
Besides the N posts (every status, sticky and password-protected ones) it writes pages,
attachments and nav_menu_items, nested categories (3 levels), tags and authors. Comments go to
posts and pages; they have every approval value (1, 0, spam, trash) and the pingback and
trackback types, and some form reply chains 12 deep.

On stdout it prints a JSON summary of what it wrote, for tests to compare an import with:
  items_by_type        items per wp:post_type (post, page, attachment, nav_menu_item)
  posts_by_status      items of type post per wp:status
  pages_by_status      items of type page per wp:status
  sticky_posts, password_posts   posts with wp:is_sticky 1 / a non-empty wp:post_password
  comments             every wp:comment in the file
  comments_by_approved per wp:comment_approved; comments_by_type per wp:comment_type
                       ("comment" counts the comments written with an empty type too)
  comments_on_posts_by_approved  the same, for comments on items of type post only
  max_depth            the longest reply chain, counting a top-level comment as depth 1
  authors, categories, tags      wp:author, wp:category, wp:tag elements
Output is the same for the same arguments (random.Random(seed); no clock, no environment).
"""

import argparse
import json
import random
import sys

STATUSES = ["publish", "draft", "pending", "private", "future", "trash"]
APPROVED = ["1", "0", "spam", "trash"]
MAX_DEPTH = 12

NS = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
}

# Our own words, in several scripts.
WORDS = [
    "газета", "новини", "свобода", "вечір", "місто", "читач",
    "صحيفة", "أخبار", "حرية", "مساء", "مدينة", "قارئ",
    "新聞", "自由", "城市", "读者", "日報", "世界",
    "gazette", "printer", "harbour", "lantern", "meadow", "quarry",
    "🎉", "🔥", "👩‍👩‍👧", "🇺🇦", "🙏🏽", "💡",
]

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<iframe src="https://evil.invalid/frame"></iframe>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<div onmouseover="alert(1)" onclick=alert(2)>hover</div>',
    '<body onload=alert(1)>',
    '<p style="x:expression(alert(1))">css</p>',
    '"><script>alert(document.cookie)</script>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<a href=" JaVaScRiPt:alert(1)">spaced</a>',
    "<math><mi xlink:href=\"javascript:alert(1)\">m</mi></math>",
    "Tom & Jerry < 3 > 2 \"quoted\" 'single' ]]> end",
]


def esc(text):
    """Text escaped for an element or attribute value (entities, not CDATA)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def cdata(text):
    """Text in a CDATA section, "]]>" split as WordPress's wxr_cdata() does."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


class Writer:
    def __init__(self, rng):
        self.rng = rng

    def words(self, low, high):
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def hostile(self):
        return self.rng.choice(HOSTILE)

    def line(self, low=2, high=6):
        """A short hostile line: words around a payload."""
        return "%s %s %s" % (self.words(low, high), self.hostile(), self.words(1, 3))

    def body(self):
        parts = []
        for _ in range(self.rng.randint(2, 6)):
            parts.append("<p>%s</p>" % self.line(4, 12))
        parts.append("<p>&amp; &#8217; &lt;entities&gt; ]]> and ]]]]> and <![CDATA[ nested ]]></p>")
        return "\n".join(parts)

    def text(self, value):
        """Either CDATA or escaped text, as exporters do both."""
        return cdata(value) if self.rng.random() < 0.7 else esc(value)


def date(rng, year_low=2010, year_high=2030):
    return "%04d-%02d-%02d %02d:%02d:%02d" % (
        rng.randint(year_low, year_high), rng.randint(1, 12), rng.randint(1, 28),
        rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))


def rfc822(stamp):
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    y, m, d = int(stamp[0:4]), int(stamp[5:7]), int(stamp[8:10])
    return "%02d %s %04d %s +0000" % (d, months[m - 1], y, stamp[11:])


def plan_comments(rng, total, targets):
    """Assigns `total` comments to items; returns {item index: [comment dicts]}."""
    plan = {index: [] for index in targets}
    if not targets:
        return plan
    next_id = 1
    # one reply chain of full depth first, so max_depth is reached whatever the counts
    chain_target = targets[0]
    remaining = total
    chains = []
    while remaining > 0:
        target = chain_target if not chains else rng.choice(targets)
        if not chains:
            depth = MAX_DEPTH
        else:
            depth = rng.choice([1, 1, 1, 1, 2, 3, rng.randint(1, MAX_DEPTH)])
        depth = min(depth, remaining)
        chains.append((target, depth))
        remaining -= depth
    for target, depth in chains:
        parent = 0
        for _ in range(depth):
            roll = rng.random()
            if depth > 1:  # links do not get replies: keep chains made of comments
                kind = "comment" if roll < 0.5 else ""
            elif roll < 0.3:
                kind = "pingback"
            elif roll < 0.45:
                kind = "trackback"
            elif roll < 0.7:
                kind = "comment"
            else:
                kind = ""
            if len(plan[target]) < 4:  # the first comments of an item cover every status
                approved = APPROVED[len(plan[target])]
            else:
                approved = rng.choice(APPROVED + ["1", "1", "1"])
            plan[target].append({"id": next_id, "parent": parent, "type": kind,
                                 "approved": approved})
            parent = next_id if kind in ("", "comment") else 0
            next_id += 1
    return plan


def depth_of(comments):
    parents = {c["id"]: c["parent"] for c in comments}
    best = 0
    for c in comments:
        depth, at = 1, c["parent"]
        while at:
            depth += 1
            at = parents.get(at, 0)
        best = max(best, depth)
    return best


def generate(posts, total_comments, seed, out):
    rng = random.Random(seed)
    w = Writer(rng)
    lines = []
    emit = lines.append

    emit('<?xml version="1.0" encoding="UTF-8" ?>')
    emit("<!-- hostile WXR written by tests/gen/hostile_wxr.py seed=%d -->" % seed)
    emit('<rss version="2.0"')
    for prefix, uri in NS.items():
        emit('\txmlns:%s="%s"' % (prefix, uri))
    emit(">")
    emit("<channel>")
    emit("\t<title>%s</title>" % esc("Газета " + w.hostile()))
    emit("\t<link>https://hostile.example.test</link>")
    emit("\t<description>%s</description>" % esc(w.line()))
    emit("\t<language>uk</language>")
    emit("\t<wp:wxr_version>1.2</wp:wxr_version>")
    emit("\t<wp:base_site_url>https://hostile.example.test</wp:base_site_url>")
    emit("\t<wp:base_blog_url>https://hostile.example.test</wp:base_blog_url>")

    authors = []
    for i in range(6):
        login = "author%d" % (i + 1)
        authors.append(login)
        emit("\t<wp:author><wp:author_id>%d</wp:author_id>"
             "<wp:author_login>%s</wp:author_login>"
             "<wp:author_email>%s</wp:author_email>"
             "<wp:author_display_name>%s</wp:author_display_name>"
             "<wp:author_first_name>%s</wp:author_first_name>"
             "<wp:author_last_name>%s</wp:author_last_name></wp:author>" % (
                 i + 1, cdata(login), cdata("%s@example.invalid" % login),
                 w.text(w.words(1, 2) + " " + w.hostile()), w.text(w.words(1, 1)),
                 w.text(w.words(1, 1) + ' <img src=x onerror=alert("%d")>' % i)))

    categories = []  # (slug, parent slug)
    term_id = 1
    for a in range(3):
        top = "top-%d" % a
        categories.append((top, ""))
        for b in range(2):
            mid = "%s-mid-%d" % (top, b)
            categories.append((mid, top))
            for c in range(2):
                categories.append(("%s-leaf-%d" % (mid, c), mid))
    for slug, parent in categories:
        emit("\t<wp:category><wp:term_id>%d</wp:term_id>"
             "<wp:category_nicename>%s</wp:category_nicename>"
             "<wp:category_parent>%s</wp:category_parent>"
             "<wp:cat_name>%s</wp:cat_name>"
             "<wp:category_description>%s</wp:category_description></wp:category>" % (
                 term_id, cdata(slug), cdata(parent), w.text(w.words(1, 3) + " " + w.hostile()),
                 w.text(w.line())))
        term_id += 1
    tags = ["tag-%d" % i for i in range(12)]
    for slug in tags:
        emit("\t<wp:tag><wp:term_id>%d</wp:term_id><wp:tag_slug>%s</wp:tag_slug>"
             "<wp:tag_name>%s</wp:tag_name><wp:tag_description>%s</wp:tag_description>"
             "</wp:tag>" % (term_id, cdata(slug), w.text(w.words(1, 2) + " " + w.hostile()),
                            w.text(w.line())))
        term_id += 1

    # items: the posts, then pages, attachments and menu items
    items = []
    for i in range(posts):
        items.append({"type": "post", "status": STATUSES[i % len(STATUSES)]})
    pages = max(6, posts // 10)
    for i in range(pages):
        items.append({"type": "page", "status": STATUSES[i % len(STATUSES)]})
    for i in range(max(3, posts // 20)):
        items.append({"type": "attachment", "status": "inherit"})
    for i in range(max(3, posts // 30)):
        items.append({"type": "nav_menu_item", "status": "publish"})
    for index, item in enumerate(items):
        item["sticky"] = item["type"] == "post" and item["status"] == "publish" and index % 7 == 0
        item["password"] = (item["type"] in ("post", "page") and index % 11 == 3)

    targets = [i for i, item in enumerate(items) if item["type"] in ("post", "page")]
    plan = plan_comments(rng, total_comments, targets)

    summary = {
        "items_by_type": {}, "posts_by_status": {s: 0 for s in STATUSES},
        "pages_by_status": {s: 0 for s in STATUSES}, "sticky_posts": 0, "password_posts": 0,
        "comments": 0, "comments_by_approved": {a: 0 for a in APPROVED},
        "comments_by_type": {"comment": 0, "pingback": 0, "trackback": 0},
        "comments_on_posts_by_approved": {a: 0 for a in APPROVED},
        "max_depth": 0, "authors": len(authors), "categories": len(categories), "tags": len(tags),
    }

    for index, item in enumerate(items):
        wp_id = 1000 + index
        kind = item["type"]
        summary["items_by_type"][kind] = summary["items_by_type"].get(kind, 0) + 1
        if kind == "post":
            summary["posts_by_status"][item["status"]] += 1
            summary["sticky_posts"] += item["sticky"]
            summary["password_posts"] += item["password"]
        elif kind == "page":
            summary["pages_by_status"][item["status"]] += 1
        stamp = date(rng, 2031, 2035) if item["status"] == "future" else date(rng)
        title = w.line(2, 5)
        emit("\t<item>")
        emit("\t\t<title>%s</title>" % w.text(title))
        emit("\t\t<link>https://hostile.example.test/?p=%d&amp;x=%s</link>" % (
            wp_id, esc('"><script>alert(1)</script>')))
        emit("\t\t<pubDate>%s</pubDate>" % rfc822(stamp))
        emit("\t\t<dc:creator>%s</dc:creator>" % cdata(rng.choice(authors)))
        emit('\t\t<guid isPermaLink="false">https://hostile.example.test/?p=%d</guid>' % wp_id)
        emit("\t\t<description></description>")
        emit("\t\t<content:encoded>%s</content:encoded>" % w.text(w.body()))
        emit("\t\t<excerpt:encoded>%s</excerpt:encoded>" % w.text(w.line()))
        emit("\t\t<wp:post_id>%d</wp:post_id>" % wp_id)
        emit("\t\t<wp:post_date>%s</wp:post_date>" % cdata(stamp))
        emit("\t\t<wp:post_date_gmt>%s</wp:post_date_gmt>" % cdata(stamp))
        emit("\t\t<wp:comment_status>%s</wp:comment_status>"
             % cdata(rng.choice(["open", "closed"])))
        emit("\t\t<wp:ping_status>%s</wp:ping_status>" % cdata(rng.choice(["open", "closed"])))
        emit("\t\t<wp:post_name>%s</wp:post_name>" % cdata("%s-%d" % (kind, wp_id)))
        emit("\t\t<wp:status>%s</wp:status>" % cdata(item["status"]))
        emit("\t\t<wp:post_parent>%d</wp:post_parent>" % (1000 if kind == "attachment" else 0))
        emit("\t\t<wp:menu_order>%d</wp:menu_order>" % (index % 5))
        emit("\t\t<wp:post_type>%s</wp:post_type>" % cdata(kind))
        emit("\t\t<wp:post_password>%s</wp:post_password>" % cdata(
            "pa&ss<%d>]]>" % wp_id if item["password"] else ""))
        emit("\t\t<wp:is_sticky>%d</wp:is_sticky>" % (1 if item["sticky"] else 0))
        if kind == "attachment":
            emit("\t\t<wp:attachment_url>%s</wp:attachment_url>" % cdata(
                "javascript:alert(%d)//.png" % wp_id))
        if kind == "post":
            for slug in rng.sample(categories, 2):
                emit('\t\t<category domain="category" nicename="%s">%s</category>' % (
                    esc(slug[0]), w.text(w.words(1, 2) + " " + w.hostile())))
            for slug in rng.sample(tags, 2):
                emit('\t\t<category domain="post_tag" nicename="%s">%s</category>' % (
                    esc(slug), w.text(w.words(1, 2))))
        emit("\t\t<wp:postmeta><wp:meta_key>%s</wp:meta_key><wp:meta_value>%s</wp:meta_value>"
             "</wp:postmeta>" % (cdata("_hostile"), cdata(w.hostile())))
        comments = plan.get(index, [])
        summary["max_depth"] = max(summary["max_depth"], depth_of(comments))
        for c in comments:
            summary["comments"] += 1
            summary["comments_by_approved"][c["approved"]] += 1
            summary["comments_by_type"][c["type"] or "comment"] += 1
            if kind == "post":
                summary["comments_on_posts_by_approved"][c["approved"]] += 1
            if c["type"] in ("pingback", "trackback"):
                url = 'https://linker.example.test/%d?<script>alert(1)</script>' % c["id"]
                content = "[&#8230;] %s [&#8230;]" % w.line()
            else:
                url = rng.choice(["", "javascript:alert(1)", "vbscript:msgbox(1)",
                                  "data:text/html,<script>alert(1)</script>",
                                  "https://reader.example.test/"])
                content = w.body()
            emit("\t\t<wp:comment>")
            emit("\t\t\t<wp:comment_id>%d</wp:comment_id>" % c["id"])
            emit("\t\t\t<wp:comment_author>%s</wp:comment_author>"
                 % w.text(w.words(1, 2) + " " + w.hostile()))
            emit("\t\t\t<wp:comment_author_email>%s</wp:comment_author_email>" % w.text(
                "r%d+<script>@example.invalid" % c["id"]))
            emit("\t\t\t<wp:comment_author_url>%s</wp:comment_author_url>" % esc(url))
            emit("\t\t\t<wp:comment_author_IP>%s</wp:comment_author_IP>" % cdata(
                "192.0.2.%d" % (c["id"] % 250)))
            cstamp = date(rng)
            emit("\t\t\t<wp:comment_date>%s</wp:comment_date>" % cdata(cstamp))
            emit("\t\t\t<wp:comment_date_gmt>%s</wp:comment_date_gmt>" % cdata(cstamp))
            emit("\t\t\t<wp:comment_content>%s</wp:comment_content>" % w.text(content))
            emit("\t\t\t<wp:comment_approved>%s</wp:comment_approved>" % cdata(c["approved"]))
            emit("\t\t\t<wp:comment_type>%s</wp:comment_type>" % cdata(c["type"]))
            emit("\t\t\t<wp:comment_parent>%d</wp:comment_parent>" % c["parent"])
            emit("\t\t\t<wp:comment_user_id>0</wp:comment_user_id>")
            emit("\t\t\t<wp:commentmeta><wp:meta_key>%s</wp:meta_key><wp:meta_value>%s"
                 "</wp:meta_value></wp:commentmeta>" % (cdata("akismet_history"),
                                                         cdata(w.hostile())))
            emit("\t\t</wp:comment>")
        emit("\t</item>")
    emit("</channel>")
    emit("</rss>")

    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines))
        f.write("\n")
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--comments", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.posts < len(STATUSES) or args.comments < 0:
        parser.error("--posts must be at least %d and --comments not negative" % len(STATUSES))
    summary = generate(args.posts, args.comments, args.seed, args.out)
    json.dump(summary, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
