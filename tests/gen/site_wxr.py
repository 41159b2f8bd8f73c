#!/usr/bin/python3
"""site_wxr.py: writes an ordinary, deterministic WordPress export (WXR 1.2) of a whole site.

Usage: site_wxr.py [--posts N] [--seed S] --out FILE

Not hostile (see hostile_wxr.py for that): a plausible site of our own words, to check the reader
surfaces (archives, pagination, search, feeds, sitemaps) exactly. It has
  - N posts (default 300) dated over 2017-2024, every timestamp distinct, a dozen of them on one
    busy day (2021-06-15) so that a day archive has two pages; about 1 in 10 is a draft and a
    few are pending or private (never public);
  - nested categories three levels deep (/category/world/europe/kyiv/), one empty category and
    one unused tag; 5 authors; tags; titles and bodies in English, Ukrainian, Arabic, Spanish and
    French (accents such as "López") with emoji;
  - 4 sticky posts (old ones, so that "sticky first" is visible), comments (approved, pending,
    spam) on most posts, comments open on about half of them;
  - fixed posts for the search tests: a title match and a body match of one rare word, two
    accented "López" posts, a phrase and its scattered words, a prefix family, a Cyrillic and
    an Arabic word.

On stdout it prints a JSON summary for tests to compare the served site with:
  posts           every post: wp_id, slug, path, title, date (UTC "YYYY-MM-DD HH:MM:SS"),
                  status, author (login), categories and tags (slugs), sticky, comment_status,
                  comments_approved, comments_pending, comments_shown (approved with every
                  ancestor approved: the count a listing shows), public (published)
  authors         login -> display name
  categories      slug -> name, parent (slug or ""), path ("world/europe/kyiv"), count (public
                  posts in it or in a descendant), direct (public posts in it itself)
  tags            slug -> name, count (public posts)
  by_author, by_year ("2019"), by_month ("2019/03"), by_day ("2019/03/07")   public post counts
  sticky          wp_ids of the sticky posts (all public)
  comments        the approved comments of public posts: id (WordPress's), post (wp_id), date,
                  parent
  public_count, hidden_paths (paths of the posts that are not published)
  search          the wp_ids the search tests expect (see SEARCH below)
Output is the same for the same arguments (random.Random(seed); no clock, no environment).
"""

import argparse
import json
import random
import sys

AUTHORS = [
    ("amara", "Amara Okafor"),
    ("bogdan", "Богдан Коваленко"),
    ("carmen", "Carmen Ruiz"),
    ("dalia", "داليا حداد"),
    ("emile", "Émile Laurent"),
]

# slug, name, parent slug
CATEGORIES = [
    ("world", "World", ""),
    ("europe", "Europe", "world"),
    ("kyiv", "Київ", "europe"),
    ("lisbon", "Lisboa", "europe"),
    ("americas", "Américas", "world"),
    ("oaxaca", "Oaxaca", "americas"),
    ("culture", "Culture", ""),
    ("books", "Books", "culture"),
    ("poetry", "Poetry", "books"),
    ("empty-shelf", "Empty shelf", "books"),  # never used: its archive is a 404
    ("music", "Música", "culture"),
    ("science", "Science", ""),
    ("space", "Space", "science"),
    ("comets", "Comets 🌠", "space"),
    ("oceans", "Oceans", "science"),
    ("letters", "Letters", ""),
]
UNUSED_CATEGORIES = {"empty-shelf"}

TAGS = [
    ("harbour", "Harbour"), ("lantern", "Lantern"), ("cafe", "Café"), ("meadow", "Meadow"),
    ("quarry", "Quarry"), ("misto", "Місто"), ("madina", "مدينة"), ("festival", "Festival 🎉"),
    ("tide", "Tide"), ("orchard", "Orchard"), ("unused", "Unused"),
]
UNUSED_TAGS = {"unused"}

# Ordinary words of the bodies and titles. None of the search words below is among them.
WORDS = [
    "harbour", "lantern", "meadow", "quarry", "orchard", "tide", "bridge", "market", "evening",
    "river", "garden", "winter", "letter", "window", "street", "morning", "station", "island",
    "місто", "вечір", "читач", "свобода", "новини", "ранок", "річка", "сад",
    "مدينة", "مساء", "قارئ", "حرية", "أخبار", "نهر", "حديقة",
    "café", "mañana", "señal", "corazón", "été", "forêt", "château", "naïve", "über",
    "🎉", "🌊", "☕", "📚", "🌙",
]
TITLE_PATTERNS = [
    "Notes from the {a} and the {b}",
    "A {a} for every {b}",
    "Вечір біля {a}",
    "مساء في {a}",
    "Crónica del {a} y la {b}",
    "L’été du {a}",
    "{e} The {a} festival",
    "Why the {a} matters {e}",
]
EMOJI = ["🎉", "🌊", "☕", "📚", "🌙", "🚲", "🇺🇦"]
BUSY_DAY = (2021, 6, 15)
FIXED_DATES = {5: (2017, 2, 10, 8, 0, 1), 6: (2024, 11, 20, 8, 0, 1)}
BUSY_COUNT = 14  # posts on BUSY_DAY (a couple of them may be drafts)

# Search fixtures: index in the post list -> (title, body, key in the summary's "search")
SEARCH = {
    5: ("Quillwort on the northern marsh", "We walked out at dawn to count the reeds. "
        "The water was high and cold.", "title_match"),
    6: ("Walking the wetlands", "Among the reeds we found a single quillwort, half under "
        "water. Nothing else grew there.", "body_match"),
    7: ("Una tarde con Carmen López", "Hablamos de libros y del río.", "lopez"),
    8: ("Market day", "The stall of Lucía López sold figs and bread.", "lopez"),
    9: ("Harbour watch", "At night the amber lighthouse keeper waved to the ferry.",
        "phrase"),
    10: ("Ferry crossing", "The keeper came out. Behind him stood an amber lighthouse, and "
         "the lighthouse was old.", "words_only"),
    11: ("Small creatures", "A zephyrine moth sat on the sill.", "prefix"),
    12: ("Old bones", "The museum shows a zephyrosaurus skull.", "prefix"),
    13: ("Поет і кобзар", "Кобзар співав біля річки до ранку.", "cyrillic"),
    14: ("منارة الميناء", "رأينا فنار الميناء من بعيد.", "arabic"),
}


def esc(text):
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def stamp(t):
    return "%04d-%02d-%02d %02d:%02d:%02d" % t


def rfc822(t):
    import calendar
    import datetime
    d = datetime.datetime(*t)
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    return "%s, %02d %s %04d %02d:%02d:%02d +0000" % (
        days[d.weekday()], d.day, calendar.month_abbr[d.month], d.year, d.hour, d.minute,
        d.second)


def category_path(slug):
    parents = {s: p for s, _, p in CATEGORIES}
    parts = [slug]
    while parents[parts[0]]:
        parts.insert(0, parents[parts[0]])
    return "/".join(parts)


def generate(count, seed, out):
    rng = random.Random(seed)
    used_stamps = {(2023, 4, 25, 9, 0, 0)}  # the seed fixture's post, imported beside this site

    def new_stamp(day=None):
        import datetime
        while True:
            if day:
                t = day + (rng.randrange(6, 23), rng.randrange(60), rng.randrange(60))
            else:
                d = datetime.date(2017, 1, 1) + datetime.timedelta(days=rng.randrange(8 * 365))
                t = (d.year, d.month, d.day, rng.randrange(24), rng.randrange(60),
                     rng.randrange(60))
            if t not in used_stamps:
                used_stamps.add(t)
                return t

    def words(low, high):
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))

    def sentence():
        s = words(6, 14)
        return s[0].upper() + s[1:] + rng.choice([".", ".", "!", "?"])

    def body():
        paras = []
        for _ in range(rng.randint(2, 5)):
            paras.append(" ".join(sentence() for _ in range(rng.randint(2, 4))))
        return "\n\n".join(paras)

    posts = []
    for i in range(count):
        if i in SEARCH:
            status = "publish"
        elif i % 10 == 3:
            status = "draft"
        elif i % 37 == 17:
            status = "pending"
        elif i % 41 == 19:
            status = "private"
        else:
            status = "publish"
        on_busy_day = 20 <= i < 20 + BUSY_COUNT
        t = new_stamp(BUSY_DAY if on_busy_day else None)
        if i in FIXED_DATES:  # the title match older than the body match: rank, not date, decides
            t = FIXED_DATES[i]
            used_stamps.add(t)
        if i in SEARCH:
            title, text, _ = SEARCH[i]
        else:
            title = rng.choice(TITLE_PATTERNS).format(
                a=rng.choice(WORDS[:18]), b=rng.choice(WORDS[:18]), e=rng.choice(EMOJI))
            title = "%s · %d" % (title, i)
            text = body()
        wp_id = 100 + i
        slug = "post-%d-%s" % (i, rng.choice(["notes", "letter", "report", "essay", "diary"]))
        cats = rng.sample([c[0] for c in CATEGORIES if c[0] not in UNUSED_CATEGORIES],
                          rng.choice([1, 1, 2]))
        tags = rng.sample([t_[0] for t_ in TAGS if t_[0] not in UNUSED_TAGS],
                          rng.choice([0, 1, 2, 3]))
        posts.append(dict(
            wp_id=wp_id, slug=slug, path="/%04d/%02d/%s/" % (t[0], t[1], slug), title=title,
            date=stamp(t), stamp=t, status=status,
            author=AUTHORS[rng.randrange(len(AUTHORS))][0], categories=cats, tags=tags,
            sticky=False, comment_status=rng.choice(["open", "closed"]), body=text,
            excerpt=(sentence() if rng.random() < 0.2 else ""),
            public=status == "publish"))

    # Four sticky posts, among the older public ones (not the search fixtures).
    old = sorted((p for i, p in enumerate(posts) if p["public"] and i not in SEARCH),
                 key=lambda p: p["date"])[:60]
    for p in rng.sample(old, 4):
        p["sticky"] = True

    # Comments: mostly approved, some pending, a little spam.
    comment_id = 10000
    for p in posts:
        p["comments"] = []
        for _ in range(rng.choice([0, 0, 1, 2, 3, 5])):
            comment_id += 1
            approved = rng.choice(["1", "1", "1", "1", "0", "spam"])
            y, mo, d = p["stamp"][:3]
            # about a year later (a valid date whatever the day)
            ct = (y + 1, mo, min(d, 28), rng.randrange(24), rng.randrange(60), rng.randrange(60))
            parent = 0
            if p["comments"] and rng.random() < 0.3:
                parent = rng.choice(p["comments"])["id"]
            p["comments"].append(dict(id=comment_id, approved=approved, date=stamp(ct),
                                      parent=parent))
        p["comments_approved"] = sum(c["approved"] == "1" for c in p["comments"])
        # what readers see: approved, and every ancestor approved (a reply below a pending or
        # spam comment is not shown, nor counted under the post)
        by_id = {c["id"]: c for c in p["comments"]}

        def shown(c):
            while c is not None:
                if c["approved"] != "1":
                    return False
                c = by_id.get(c["parent"])
            return True
        p["comments_shown"] = sum(shown(c) for c in p["comments"])
        p["comments_pending"] = sum(c["approved"] == "0" for c in p["comments"])

    lines = []
    emit = lines.append
    emit('<?xml version="1.0" encoding="UTF-8" ?>')
    emit('<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
         'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
         'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
         'xmlns:dc="http://purl.org/dc/elements/1.1/" '
         'xmlns:wp="http://wordpress.org/export/1.2/">')
    emit("<channel>")
    emit("\t<title>Generated gazette site</title>")
    emit("\t<link>http://old.example.invalid</link>")
    emit("\t<description>An ordinary site of our own words</description>")
    emit("\t<language>en-US</language>")
    emit("\t<wp:wxr_version>1.2</wp:wxr_version>")
    emit("\t<wp:base_site_url>http://old.example.invalid</wp:base_site_url>")
    emit("\t<wp:base_blog_url>http://old.example.invalid</wp:base_blog_url>")
    for n, (login, name) in enumerate(AUTHORS, start=20):
        first, _, last = name.partition(" ")
        emit("\t<wp:author><wp:author_id>%d</wp:author_id><wp:author_login>%s</wp:author_login>"
             "<wp:author_email>%s</wp:author_email><wp:author_display_name>%s"
             "</wp:author_display_name><wp:author_first_name>%s</wp:author_first_name>"
             "<wp:author_last_name>%s</wp:author_last_name></wp:author>" % (
                 n, cdata(login), cdata(login + "@example.invalid"), cdata(name), cdata(first),
                 cdata(last)))
    for n, (slug, name, parent) in enumerate(CATEGORIES, start=50):
        emit("\t<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename>%s"
             "</wp:category_nicename><wp:category_parent>%s</wp:category_parent>"
             "<wp:cat_name>%s</wp:cat_name></wp:category>" % (
                 n, cdata(slug), cdata(parent), cdata(name)))
    for n, (slug, name) in enumerate(TAGS, start=80):
        emit("\t<wp:tag><wp:term_id>%d</wp:term_id><wp:tag_slug>%s</wp:tag_slug>"
             "<wp:tag_name>%s</wp:tag_name></wp:tag>" % (n, cdata(slug), cdata(name)))
    cat_names = {s: n for s, n, _ in CATEGORIES}
    tag_names = dict(TAGS)
    for p in posts:
        emit("\t<item>")
        emit("\t\t<title>%s</title>" % esc(p["title"]))
        emit("\t\t<link>http://old.example.invalid%s</link>" % p["path"])
        emit("\t\t<pubDate>%s</pubDate>" % rfc822(p["stamp"]))
        emit("\t\t<dc:creator>%s</dc:creator>" % cdata(p["author"]))
        emit('\t\t<guid isPermaLink="false">http://old.example.invalid/?p=%d</guid>' % p["wp_id"])
        emit("\t\t<description></description>")
        emit("\t\t<content:encoded>%s</content:encoded>" % cdata(p["body"]))
        emit("\t\t<excerpt:encoded>%s</excerpt:encoded>" % cdata(p["excerpt"]))
        emit("\t\t<wp:post_id>%d</wp:post_id>" % p["wp_id"])
        emit("\t\t<wp:post_date>%s</wp:post_date>" % cdata(p["date"]))
        emit("\t\t<wp:post_date_gmt>%s</wp:post_date_gmt>" % cdata(p["date"]))
        emit("\t\t<wp:comment_status>%s</wp:comment_status>" % cdata(p["comment_status"]))
        emit("\t\t<wp:ping_status>%s</wp:ping_status>" % cdata("closed"))
        emit("\t\t<wp:post_name>%s</wp:post_name>" % cdata(p["slug"]))
        emit("\t\t<wp:status>%s</wp:status>" % cdata(p["status"]))
        emit("\t\t<wp:post_parent>0</wp:post_parent>")
        emit("\t\t<wp:menu_order>0</wp:menu_order>")
        emit("\t\t<wp:post_type>%s</wp:post_type>" % cdata("post"))
        emit("\t\t<wp:post_password>%s</wp:post_password>" % cdata(""))
        emit("\t\t<wp:is_sticky>%d</wp:is_sticky>" % (1 if p["sticky"] else 0))
        for slug in p["categories"]:
            emit('\t\t<category domain="category" nicename="%s">%s</category>' % (
                esc(slug), cdata(cat_names[slug])))
        for slug in p["tags"]:
            emit('\t\t<category domain="post_tag" nicename="%s">%s</category>' % (
                esc(slug), cdata(tag_names[slug])))
        for c in p["comments"]:
            emit("\t\t<wp:comment>")
            emit("\t\t\t<wp:comment_id>%d</wp:comment_id>" % c["id"])
            emit("\t\t\t<wp:comment_author>%s</wp:comment_author>" % cdata(
                rng.choice(["Olena", "Youssef", "Inés", "Marc", "Ніна", "سارة"]) +
                " " + str(c["id"])))
            emit("\t\t\t<wp:comment_author_email>%s</wp:comment_author_email>" % cdata(
                "reader%d@example.invalid" % c["id"]))
            emit("\t\t\t<wp:comment_author_url></wp:comment_author_url>")
            emit("\t\t\t<wp:comment_author_IP>%s</wp:comment_author_IP>" % cdata(
                "192.0.2.%d" % (c["id"] % 250)))
            emit("\t\t\t<wp:comment_date>%s</wp:comment_date>" % cdata(c["date"]))
            emit("\t\t\t<wp:comment_date_gmt>%s</wp:comment_date_gmt>" % cdata(c["date"]))
            emit("\t\t\t<wp:comment_content>%s</wp:comment_content>" % cdata(sentence()))
            emit("\t\t\t<wp:comment_approved>%s</wp:comment_approved>" % cdata(c["approved"]))
            emit("\t\t\t<wp:comment_type>%s</wp:comment_type>" % cdata("comment"))
            emit("\t\t\t<wp:comment_parent>%d</wp:comment_parent>" % c["parent"])
            emit("\t\t\t<wp:comment_user_id>0</wp:comment_user_id>")
            emit("\t\t</wp:comment>")
        emit("\t</item>")
    emit("</channel>")
    emit("</rss>")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines))
        f.write("\n")
    return summarize(posts)


def summarize(posts):
    public = [p for p in posts if p["public"]]
    parents = {s: p for s, _, p in CATEGORIES}

    def with_ancestors(slugs):
        out = set()
        for s in slugs:
            while s:
                out.add(s)
                s = parents[s]
        return out

    categories = {}
    for slug, name, parent in CATEGORIES:
        categories[slug] = dict(
            name=name, parent=parent, path=category_path(slug),
            count=sum(slug in with_ancestors(p["categories"]) for p in public),
            direct=sum(slug in p["categories"] for p in public))
    tags = {slug: dict(name=name, count=sum(slug in p["tags"] for p in public))
            for slug, name in TAGS}

    def tally(key):
        out = {}
        for p in public:
            k = key(p)
            out[k] = out.get(k, 0) + 1
        return dict(sorted(out.items()))

    search = {}
    for i, (_, _, key) in SEARCH.items():
        search.setdefault(key, []).append(posts[i]["wp_id"])
    return dict(
        posts=[{k: v for k, v in p.items() if k not in ("stamp", "body", "comments")}
               for p in posts],
        authors=dict(AUTHORS),
        categories=categories,
        tags=tags,
        by_author=tally(lambda p: p["author"]),
        by_year=tally(lambda p: p["date"][:4]),
        by_month=tally(lambda p: p["date"][:4] + "/" + p["date"][5:7]),
        by_day=tally(lambda p: p["date"][:4] + "/" + p["date"][5:7] + "/" + p["date"][8:10]),
        sticky=[p["wp_id"] for p in posts if p["sticky"]],
        comments=[dict(id=c["id"], post=p["wp_id"], date=c["date"], parent=c["parent"])
                  for p in public for c in p["comments"] if c["approved"] == "1"],
        public_count=len(public),
        hidden_paths=[p["path"] for p in posts if not p["public"]],
        search=search,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.posts < max(SEARCH) + 1 + BUSY_COUNT + 20:
        parser.error("--posts must be at least %d" % (max(SEARCH) + 1 + BUSY_COUNT + 20))
    summary = generate(args.posts, args.seed, args.out)
    json.dump(summary, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
