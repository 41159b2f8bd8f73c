# test_reader.py: the reader surfaces of issue 6 on the seed import plus a generated site of 300
# posts (tests/gen/site_wxr.py, whose JSON summary says exactly what every archive must hold):
# the front page and its pages (sticky first), category (nested), tag, author and date archives
# with their pages and 404s, previous/next on articles, search (ranking, accent folding, phrase,
# prefix, hostile queries), sitemaps and robots.txt, RSS and Atom feeds parsed by npm's
# `feedparser` item by item, conditional GETs (ETag, Last-Modified, 304, Cache-Control), sharing
# metadata in the article head, autodiscovery links and landmarks, html-validate over every page
# kind, and screenshots in headless Chromium (playwright-core, /usr/bin/chromium) at 1280 and 360
# pixels.
#
# One site per store is imported once for the module (`reader`); tests that write (settings,
# comments, re-imports) get sites of their own. The Node tools live in tests/browser/ and are
# installed by tests/browser/install.sh (npm ci from the committed lockfile), which the `node_tools`
# fixture (conftest.py) runs once per session.
import datetime
import email.utils
import json
import os
import re
import struct
import subprocess
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from conftest import SOURCE, Gazette, Server, eventually, serve_at_site_url

GEN = os.path.join(SOURCE, "tests", "gen", "site_wxr.py")
BROWSER = os.path.join(SOURCE, "tests", "browser")
PER_PAGE = 10          # site.posts_per_page default
FEED_ITEMS = 20        # feed.items default
SITEMAP_MAX = 1000     # URLs in one sitemap before an index
CC_PAGES = "no-cache"
CC_FEEDS = "public, max-age=300"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
WP = "{http://wordpress.org/export/1.2/}"
DC = "{http://purl.org/dc/elements/1.1/}"
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|"
                    r"Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (\+0000|GMT)$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


# ---------------------------------------------------------------------------------------------
# The generated site and the model of what the server must show


def generate(tmp_dir, posts, seed=7):
    out = os.path.join(str(tmp_dir), f"site-{posts}-{seed}.wxr")
    p = subprocess.run([sys.executable, GEN, "--posts", str(posts), "--seed", str(seed),
                        "--out", out], capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr.decode("utf-8", "replace")
    return out, json.loads(p.stdout)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("gen"), 300)


class Post:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    @property
    def iso(self):
        return self.date.replace(" ", "T") + "Z"

    def __repr__(self):
        return f"<Post {self.path}>"


class Model:
    """The public posts of the seed plus the generated site, and what each listing must hold."""

    def __init__(self, summary, seed_wxr):
        self.summary = summary
        self.authors = dict(summary["authors"])
        self.parents = {s: c["parent"] for s, c in summary["categories"].items()}
        self.cat_paths = {s: c["path"] for s, c in summary["categories"].items()}
        self.cat_names = {s: c["name"] for s, c in summary["categories"].items()}
        self.tag_names = {s: t["name"] for s, t in summary["tags"].items()}
        self.posts = []
        for p in summary["posts"]:
            if p["public"]:
                self.posts.append(Post(
                    path=p["path"], title=p["title"], date=p["date"], author=p["author"],
                    categories=p["categories"], tags=p["tags"], sticky=p["sticky"],
                    comments=p["comments_approved"], shown=p["comments_shown"],
                    wp_id=p["wp_id"],
                    comment_status=p["comment_status"],
                    guid=f"http://old.example.invalid/?p={p['wp_id']}"))
        self.hidden_paths = list(summary["hidden_paths"])
        self.comments = [dict(id=c["id"], path=self.by_wp(c["post"]).path, date=c["date"])
                         for c in summary["comments"]]
        # The seed post, read from seed.wxr (its text is never copied here).
        channel = ET.parse(seed_wxr).getroot().find("channel")
        for a in channel.findall(f"{WP}author"):
            self.authors[a.findtext(f"{WP}author_login")] = a.findtext(f"{WP}author_display_name")
        for c in channel.findall(f"{WP}category"):
            slug = c.findtext(f"{WP}category_nicename")
            self.parents[slug] = c.findtext(f"{WP}category_parent") or ""
            self.cat_names[slug] = c.findtext(f"{WP}cat_name")
            self.cat_paths[slug] = slug
        for t in channel.findall(f"{WP}tag"):
            self.tag_names[t.findtext(f"{WP}tag_slug")] = t.findtext(f"{WP}tag_name")
        for item in channel.findall("item"):
            if item.findtext(f"{WP}post_type") != "post":
                continue
            path = urllib.parse.urlsplit(item.findtext("link")).path
            cats = [c.get("nicename") for c in item.findall("category")
                    if c.get("domain") == "category"]
            tags = [c.get("nicename") for c in item.findall("category")
                    if c.get("domain") == "post_tag"]
            approved = [c for c in item.findall(f"{WP}comment")
                        if c.findtext(f"{WP}comment_approved") == "1"]
            # shown under the post: approved with every ancestor approved
            status = {c.findtext(f"{WP}comment_id"): (c.findtext(f"{WP}comment_approved"),
                                                      c.findtext(f"{WP}comment_parent"))
                      for c in item.findall(f"{WP}comment")}

            def shown(cid):
                while cid and cid != "0":
                    if cid not in status or status[cid][0] != "1":
                        return False
                    cid = status[cid][1]
                return True
            self.seed = Post(
                path=path, title=item.findtext("title"),
                date=item.findtext(f"{WP}post_date_gmt"), author=item.findtext(f"{DC}creator"),
                categories=cats, tags=tags, sticky=item.findtext(f"{WP}is_sticky") == "1",
                comments=len(approved),
                shown=sum(shown(c.findtext(f"{WP}comment_id")) for c in approved),
                wp_id=int(item.findtext(f"{WP}post_id")),
                comment_status=item.findtext(f"{WP}comment_status"), guid=item.findtext("guid"))
            self.posts.append(self.seed)
            for c in approved:
                self.comments.append(dict(id=int(c.findtext(f"{WP}comment_id")), path=path,
                                          date=c.findtext(f"{WP}comment_date_gmt")))
        dates = [p.date for p in self.posts]
        assert len(set(dates)) == len(dates), "the model needs distinct post dates"
        self.by_date = sorted(self.posts, key=lambda p: p.date, reverse=True)
        self.by_path = {p.path: p for p in self.posts}

    def by_wp(self, wp_id):
        for p in self.summary["posts"]:
            if p["wp_id"] == wp_id:
                return Post(**p)
        raise KeyError(wp_id)

    def with_ancestors(self, slugs):
        out = set()
        for s in slugs:
            while s:
                out.add(s)
                s = self.parents[s]
        return out

    def front(self):
        return [p for p in self.by_date if p.sticky] + [p for p in self.by_date if not p.sticky]

    def category(self, slug):
        return [p for p in self.by_date if slug in self.with_ancestors(p.categories)]

    def tag(self, slug):
        return [p for p in self.by_date if slug in p.tags]

    def author(self, login):
        return [p for p in self.by_date if p.author == login]

    def dated(self, prefix):  # "2021", "2021-06", "2021-06-15"
        return [p for p in self.by_date if p.date.startswith(prefix)]


@pytest.fixture(scope="module")
def model(generated, seed_wxr):
    return Model(generated[1], seed_wxr)


def new_site(gazette_bin, db, *wxr_files):
    g = Gazette(gazette_bin, db)
    g.run("init")
    for f in wxr_files:
        g.run("import", "wxr", f)
    return g


@pytest.fixture(scope="module")
def reader(store, module_db, gazette_bin, tmp_path_factory, seed_wxr, generated):
    """A server on the seed + the generated site, one per store for the whole module."""
    d = tmp_path_factory.mktemp(f"reader-{store}")
    g = new_site(gazette_bin, module_db(d / "reader.db"), seed_wxr, generated[0])
    srv = Server(g, str(d)).start()
    srv.base = serve_at_site_url(srv)
    yield srv
    if srv.proc is not None:
        srv.stop()


# ---------------------------------------------------------------------------------------------
# Reading pages


def get_ok(srv, path, headers=None):
    r = srv.get(path, headers=headers)
    assert r.status == 200, (path, r, r.text[:300])
    return r


def listing_items(doc):
    items = []
    for art in doc.find_all("article", cls="post-summary"):
        link = art.one("h2").find("a")
        meta = art.find("p", cls="entry-meta")
        assert meta is not None, f"no entry-meta in {art}"
        # (conftest's tree closes a <p> at <time>: look in the whole article)
        author = art.find("span", cls="author")
        time_ = art.find("time")
        count = [a for a in art.find_all("a") if a.get("href", "").endswith("#comments")]
        summary = art.find("p", cls="entry-summary") or art.find("p", cls="search-snippet")
        items.append(dict(
            path=link.get("href"), title=link.text, author=author.text if author else None,
            datetime=time_.get("datetime") if time_ else None,
            comments=count[0].text if count else None,
            summary=summary.text if summary else "", snippet_node=art.find("p", cls="search-snippet")))
    return items


def walk(srv, base, query=None):
    """Every page of the listing at `base` (path ending in "/"; or "/" with a search query),
    following the "Older posts" links and checking them and the "Newer posts" ones; then checks
    that the page after the last is a 404 (archives). Returns a list of pages of items."""
    pages = []
    n = 1
    while True:
        if query is None:
            path = base if n == 1 else f"{base}page/{n}/"
        else:
            path = "/?s=" + urllib.parse.quote_plus(query) + ("" if n == 1 else f"&paged={n}")
        doc = get_ok(srv, path).tree()
        items = listing_items(doc)
        nav = doc.find("nav", cls="pagination")
        assert nav is not None, f"{path}: no pagination nav"
        older, newer = nav.find("a", cls="older"), nav.find("a", cls="newer")
        if n == 1:
            assert newer is None, f"{path}: a 'newer' link on page 1"
        else:
            want = (base if n == 2 else f"{base}page/{n - 1}/") if query is None else (
                "/?s=" + urllib.parse.quote_plus(query) + ("" if n == 2 else f"&paged={n - 1}"))
            assert newer is not None and newer.get("href") == want, (
                f"{path}: newer link {newer and newer.get('href')!r}, expected {want!r}")
        pages.append(items)
        assert len(pages) < 200, f"{base}: more than 200 pages"
        if older is None:
            break
        want = f"{base}page/{n + 1}/" if query is None else (
            "/?s=" + urllib.parse.quote_plus(query) + f"&paged={n + 1}")
        assert older.get("href") == want, f"{path}: older link {older.get('href')!r} != {want!r}"
        n += 1
    if query is None:
        r = srv.get(f"{base}page/{n + 1}/")
        assert r.status == 404, f"{base}page/{n + 1}/ after the last page: {r.status}"
    return pages


def check_pages(pages, expected, where, order=True):
    """Page sizes, contents (and order) of a walked listing against the expected posts."""
    got = [i["path"] for page in pages for i in page]
    want = [p.path for p in expected]
    assert len(got) == len(set(got)), f"{where}: a post listed twice: {got}"
    assert sorted(got) == sorted(want), (
        f"{where}: missing {sorted(set(want) - set(got))}, extra {sorted(set(got) - set(want))}")
    sizes = [len(p) for p in pages]
    full, rest = divmod(len(want), PER_PAGE)
    assert sizes == [PER_PAGE] * full + ([rest] if rest else []), f"{where}: page sizes {sizes}"
    if order:
        assert got == want, f"{where}: order differs\n got  {got}\n want {want}"


def check_items(model, pages, where):
    for page in pages:
        for item in page:
            p = model.by_path[item["path"]]
            assert item["title"] == p.title, (where, item)
            assert item["author"] == model.authors[p.author], (where, item)
            assert item["datetime"] == p.iso, (where, item)
            m = re.fullmatch(r"(\d+) comments?", item["comments"] or "")
            assert m and int(m.group(1)) == p.shown, (where, item, p.shown)


# ---------------------------------------------------------------------------------------------
# Front page and archives


def test_generated_summary_is_consistent(generated, model):
    """The generator's counts agree with its own post list (so the archive tests check the
    server, not a miscounting generator)."""
    s = generated[1]
    public = [p for p in s["posts"] if p["public"]]
    assert s["public_count"] == len(public) >= 200
    assert sum(s["by_year"].values()) == len(public)
    assert sum(s["by_author"].values()) == len(public)
    assert len(s["sticky"]) == 4 and all(p["public"] for p in s["posts"]
                                         if p["wp_id"] in s["sticky"])
    assert max(s["by_day"].values()) > PER_PAGE, "no date archive with two pages"
    depth3 = [c for c in s["categories"].values() if c["path"].count("/") == 2 and c["count"]]
    assert depth3, "no used category three levels deep"
    for slug, c in s["categories"].items():
        assert c["count"] == len([p for p in model.category(slug) if p is not model.seed])


def test_front_page_sticky_first_and_every_page(reader, model):
    pages = walk(reader, "/")
    check_pages(pages, model.front(), "/")
    check_items(model, pages, "/")
    first = [i["path"] for i in pages[0]]
    sticky = [p.path for p in model.by_date if p.sticky]
    assert first[:len(sticky)] == sticky, "sticky posts are not first on the front page"
    newest = [p for p in model.by_date if not p.sticky][0]
    assert first[len(sticky)] == newest.path


def test_listing_items_have_a_summary(reader, model):
    """Issue 6: each listed post has its excerpt or else its first paragraph."""
    for path in ("/", "/page/2/", "/category/world/", "/tag/cafe/"):
        items = listing_items(get_ok(reader, path).tree())
        bare = [i["path"] for i in items if not i["summary"]]
        assert not bare, f"{path}: posts listed without excerpt or first paragraph: {bare}"


@pytest.mark.parametrize("kind", ["category", "tag", "author"])
def test_archive_contents_and_pages(reader, model, kind):
    s = model.summary
    if kind == "category":
        cases = [(f"/category/{c['path']}/", model.category(slug))
                 for slug, c in s["categories"].items() if c["count"]]
        cases += [(f"/category/{c}/", model.category(c)) for c in model.seed.categories]
    elif kind == "tag":
        cases = [(f"/tag/{slug}/", model.tag(slug)) for slug, t in s["tags"].items()
                 if t["count"]]
        cases += [(f"/tag/{t}/", model.tag(t)) for t in model.seed.tags]
    else:
        cases = [(f"/author/{login}/", model.author(login)) for login in model.authors]
    assert len(cases) >= 5
    for base, expected in cases:
        assert expected, base
        pages = walk(reader, base)
        check_pages(pages, expected, base, order=False)
        check_items(model, pages, base)


@pytest.mark.parametrize("kind", ["category", "tag", "author", "date"])
def test_archive_order_is_by_date_not_sticky(reader, model, kind):
    """Archives list newest first; "sticky first" is the front page's (issue 6, as WordPress)."""
    s = model.summary
    sticky = set(s["sticky"])
    posts = {p["wp_id"]: p for p in s["posts"]}
    if kind == "category":
        slugs = {c for w in sticky for c in model.with_ancestors(posts[w]["categories"])}
        cases = [(f"/category/{model.cat_paths[c]}/", model.category(c)) for c in sorted(slugs)]
    elif kind == "tag":
        slugs = {t for w in sticky for t in posts[w]["tags"]}
        cases = [(f"/tag/{t}/", model.tag(t)) for t in sorted(slugs)]
    elif kind == "author":
        cases = [(f"/author/{posts[w]['author']}/", model.author(posts[w]["author"]))
                 for w in sorted(sticky)]
    else:
        cases = []
        for w in sorted(sticky):
            d = posts[w]["date"]
            cases += [(f"/{d[:4]}/", model.dated(d[:4])),
                      (f"/{d[:4]}/{d[5:7]}/", model.dated(d[:7]))]
    assert cases
    for base, expected in cases:
        check_pages(walk(reader, base), expected, base, order=True)


def test_nested_category_includes_descendants(reader, model):
    deep = [slug for slug, c in model.summary["categories"].items()
            if c["path"].count("/") == 2 and c["count"]]
    for slug in deep:
        leaf = model.cat_paths[slug]
        top = leaf.split("/")[0]
        mid = "/".join(leaf.split("/")[:2])
        top_paths = {i["path"] for page in walk(reader, f"/category/{top}/") for i in page}
        mid_paths = {i["path"] for page in walk(reader, f"/category/{mid}/") for i in page}
        leaf_paths = {p.path for p in model.category(slug)}
        assert leaf_paths <= mid_paths <= top_paths, leaf
        assert len(top_paths) > len(leaf_paths)
        doc = get_ok(reader, f"/category/{leaf}/").tree()
        assert model.cat_names[slug] in doc.one("h1").text


def test_category_under_a_wrong_parent_is_not_served(reader, model):
    """/category/americas/kyiv/ names no category: 404 (or a redirect to the real path), never
    the Kyiv archive under a path that does not exist."""
    r = reader.get("/category/world/americas/kyiv/")
    assert r.status in (404, 301), (r.status, "wrong parent path served as an archive")
    if r.status == 301:
        assert r.location_path() == "/category/world/europe/kyiv/"


def test_article_category_links_use_the_nested_path(reader, model):
    deep = [p for p in model.posts if any(model.cat_paths[c].count("/") == 2
                                          for c in p.categories)][:5]
    assert deep
    for p in deep:
        doc = get_ok(reader, p.path).tree()
        hrefs = {a.get("href") for a in doc.find_all("a", cls="category")}
        want = {f"/category/{model.cat_paths[c]}/" for c in p.categories}
        assert hrefs == want, (p.path, hrefs, want)


def test_date_archives(reader, model):
    s = model.summary
    years = set(s["by_year"]) | {model.seed.date[:4]}
    for y in sorted(years):
        pages = walk(reader, f"/{y}/")
        check_pages(pages, model.dated(y), f"/{y}/", order=False)
        assert get_ok(reader, f"/{y}/").tree().one("h1").text == f"Posts of {y}"
    months = {p.date[:7] for p in model.posts}
    for ym in sorted(months):
        base = f"/{ym[:4]}/{ym[5:7]}/"
        check_pages(walk(reader, base), model.dated(ym), base, order=False)
    days = sorted({p.date[:10] for p in model.posts})
    busy = max(days, key=lambda d: len(model.dated(d)))
    assert len(model.dated(busy)) > PER_PAGE
    for d in days[::15] + [busy, model.seed.date[:10]]:
        base = f"/{d[:4]}/{d[5:7]}/{d[8:10]}/"
        pages = walk(reader, base)
        check_pages(pages, model.dated(d), base, order=False)
        check_items(model, pages, base)


@pytest.mark.parametrize("path", [
    "/category/no-such-category/", "/category/culture/books/empty-shelf/", "/tag/unused/",
    "/tag/no-such-tag/", "/author/nobody/", "/2016/", "/2016/05/", "/2021/06/16/",
    "/2021/13/", "/2021/06/32/", "/2021/6/", "/page/0/", "/page/abc/", "/page/999/",
    "/category/world/page/99/", "/2021/06/15/page/3/", "/tag/cafe/page/0/",
])
def test_unknown_or_empty_archives_are_404(reader, path):
    r = reader.get(path)
    assert r.status == 404, (path, r.status)
    doc = r.tree()
    assert "text/html" in (r.header("Content-Type") or "")
    assert doc.one("main") is not None and doc.find("h1") is not None
    assert not doc.find_all("article", cls="post-summary"), path


def test_hidden_posts_are_404_and_never_listed(reader, model):
    for path in model.hidden_paths:
        assert reader.get(path).status == 404, path
    listed = {i["path"] for page in walk(reader, "/") for i in page}
    assert not listed & set(model.hidden_paths)


def test_previous_next_on_every_article(reader, model):
    order = sorted(model.posts, key=lambda p: p.date)  # oldest first
    for k, p in enumerate(order):
        doc = get_ok(reader, p.path).tree()
        nav = doc.find("nav", cls="post-navigation")
        prev = nav.find("a", cls="previous") if nav else None
        nxt = nav.find("a", cls="next") if nav else None
        if k == 0:
            assert prev is None, p.path
        else:
            assert prev is not None and prev.get("href") == order[k - 1].path, (
                p.path, prev and prev.get("href"), order[k - 1].path)
            assert order[k - 1].title in prev.text
            assert prev.get("rel") == "prev"
        if k == len(order) - 1:
            assert nxt is None, p.path
        else:
            assert nxt is not None and nxt.get("href") == order[k + 1].path, (
                p.path, nxt and nxt.get("href"), order[k + 1].path)
            assert order[k + 1].title in nxt.text
            assert nxt.get("rel") == "next"


# ---------------------------------------------------------------------------------------------
# Search


def search(srv, q, paged=None):
    path = "/?s=" + urllib.parse.quote_plus(q) + (f"&paged={paged}" if paged else "")
    r = srv.get(path)
    assert r.status == 200, (q, r.status, r.text[:300])
    doc = r.tree()
    return doc, listing_items(doc)


def found(srv, q):
    return [i["path"] for page in walk(srv, "/", query=q) for i in page]


def wp_paths(model, key):
    return [model.by_wp(w).path for w in model.summary["search"][key]]


def test_search_title_match_ranks_above_body_match(reader, model):
    title, = wp_paths(model, "title_match")
    body, = wp_paths(model, "body_match")
    assert model.by_path[title].date < model.by_path[body].date, "the dates would decide"
    for q in ("quillwort", "Quillwort", "QUILLWORT"):
        assert found(reader, q) == [title, body], q
    doc, items = search(reader, "quillwort")
    snippet = items[1]["snippet_node"]
    assert snippet is not None and [m.text.lower() for m in snippet.find_all("mark")] == [
        "quillwort"], "the body match's snippet does not highlight the word"
    assert re.fullmatch(r"2 results?", doc.one("p", cls="search-count").text)


def test_search_folds_accents(reader, model):
    want = set(wp_paths(model, "lopez")) | {model.seed.path}  # the seed's body has "López"
    for q in ("lopez", "López", "LOPEZ", "lópez"):
        assert set(found(reader, q)) == want, q
    _, items = search(reader, "lopez")
    marks = [m.text for i in items if i["snippet_node"] for m in i["snippet_node"].find_all("mark")]
    assert "López" in marks, marks


def test_search_phrase_and_words(reader, model):
    phrase, = wp_paths(model, "phrase")
    scattered, = wp_paths(model, "words_only")
    assert found(reader, '"amber lighthouse keeper"') == [phrase]
    assert set(found(reader, "amber lighthouse keeper")) == {phrase, scattered}
    assert found(reader, '"keeper amber lighthouse"') == []


def test_search_prefix(reader, model):
    moth, saurus = wp_paths(model, "prefix")  # "zephyrine", "zephyrosaurus"
    assert set(found(reader, "zephyr*")) == {moth, saurus}
    assert found(reader, "zephyros*") == [saurus]
    assert found(reader, "zephyrosaurus") == [saurus]
    assert found(reader, "zephyr") == []


def test_search_other_scripts(reader, model):
    cyr, = wp_paths(model, "cyrillic")
    ar, = wp_paths(model, "arabic")
    for q in ("кобзар", "Кобзар", "КОБЗАР"):
        assert found(reader, q) == [cyr], q
    assert found(reader, "فنار") == [ar]


def test_search_pages_and_counts(reader, model):
    pages = walk(reader, "/", query="harbour")
    paths = [i["path"] for page in pages for i in page]
    assert len(pages) >= 2, "expected several pages of results for a common word"
    assert len(paths) == len(set(paths)), "a result on two pages"
    assert not set(paths) & set(model.hidden_paths), "unpublished posts in search results"
    assert set(paths) <= set(model.by_path)
    doc, _ = search(reader, "harbour")
    m = re.fullmatch(r"(\d+) results?", doc.one("p", cls="search-count").text)
    assert m and int(m.group(1)) == len(paths)
    assert all(len(p) == PER_PAGE for p in pages[:-1])


def test_search_finds_no_unpublished_post(reader, model, generated):
    """Every hidden post has a unique title word (its number): none is found."""
    hidden = [p for p in generated[1]["posts"] if not p["public"]]
    shown = [p for p in generated[1]["posts"] if p["public"] and "·" in p["title"]][0]
    n = shown["title"].rsplit("·", 1)[-1].strip()
    assert shown["path"] in found(reader, n), "a title's number is not searchable: no control"
    for p in hidden[:10]:
        n = p["title"].rsplit("·", 1)[-1].strip()
        if n.isdigit():
            assert p["path"] not in found(reader, n), p["path"]


HOSTILE = [
    '"', '""', '"unbalanced', 'a"b"c"', "(", ")", "(()", "NEAR(a b)", "a OR", "AND", "NOT x",
    "*", "**", "a*b", "^a", "title:quillwort", "body_text:x", "{a b}", "'", "';--", "\\", "%",
    "_", "&", "|", "!", "-", "+a -b", "<script>alert(1)</script>", "quill\x00wort", "\x00",
    "\x00" * 50, ":", '"a" NEAR "b"', "a:b:c", "@@@", "&&", "to_tsquery('x')", "!!(a)",
    "a & b | c", "<->", "a <-> b", "a:*", "x:*A", " ", "\t\n", "\u202e\u200b", "🎉🎉",
    "ü" * 100, "x" * 200, "a " * 100, "a* " * 66, '"' * 150, "(" * 200, "NEAR/3",
    "-" * 200, "quillwort*" * 20,
]


@pytest.mark.parametrize("q", HOSTILE, ids=lambda q: repr(q)[:30])
def test_hostile_queries_get_a_normal_page(reader, q):
    for paged in (None, "2"):
        path = "/?s=" + urllib.parse.quote(q, safe="") + (f"&paged={paged}" if paged else "")
        r = reader.get(path)
        assert r.status == 200, (q, r.status, r.text[:300])
        doc = r.tree()
        assert doc.one("main") is not None
        assert doc.one("input", id="site-search") is not None


# The limit is 200 characters in any script (the box's maxlength), not 200 bytes.
@pytest.mark.parametrize("raw", [
    "x" * 201, "ü" * 201, "京" * 201, "a" * 10240, "%22" * 5000, "%FF%FE", "abc%C3",
    "a" * 10240 + "&paged=2",
], ids=lambda r: f"{r[:12]}…{len(r)}")
def test_overlong_or_invalid_queries_get_400(reader, raw):
    q = raw if "%" in raw else urllib.parse.quote(raw, safe="&=")
    r = reader.get("/?s=" + q)
    assert r.status == 400, (raw[:40], r.status)
    assert "text/html" in (r.header("Content-Type") or "")
    assert r.tree().one("main") is not None
    assert "a" * 300 not in r.text and "x" * 201 not in r.text, "the huge query is echoed"


def test_nul_bytes_never_500(reader):
    for raw in ("%00", "%00" * 300, "quill%00wort", "%00quillwort", "quillwort%00" * 30,
                "a" * 150 + "%00" + "b" * 150):
        r = reader.get("/?s=" + raw)
        assert r.status in (200, 400), (raw[:30], r.status)
        assert r.tree().one("main") is not None


def test_search_follows_edits_and_comments(site, tmp_path, start_server, store):
    """The search index follows a post's text when it is edited, and stays whole when comments
    change the post's row (on PostgreSQL a trigger keeps it: migration 7)."""
    site.run("set", "comments.moderation", "none")
    site.run("set", "comments.min_seconds", "0")
    post_id, path = site.new_post(tmp_path, "A quixotic ledger", status="publish",
                                  date="2024-05-01 10:00")
    srv = start_server(site)

    def paths(q):
        return [i["path"] for i in search(srv, q)[1]]

    assert paths("quixotic") == [path]
    r = srv.post_form(path + "comments", dict(author="Reader", email="reader@example.com", url="",
                                              comment="A comment of our own.", comment_parent="0"))
    assert r.status == 303, r
    assert paths("quixotic") == [path]
    md = tmp_path / "edited.md"
    md.write_text("---\ntitle: A zephyr ledger\n---\nThe body now says marmalade.\n",
                  encoding="utf-8")
    site.run("post", "edit", post_id, md)
    # the edit comes from another process: the cached result pages go within a second
    assert eventually(lambda: paths("zephyr"), lambda p: p == [path]) == [path]
    assert paths("marmalade") == [path]
    assert eventually(lambda: paths("quixotic"), lambda p: p == []) == []


@pytest.mark.parametrize("extra", ["&paged=abc", "&paged=-1", "&paged=0",
                                   "&paged=99999999999999999999", "&paged=", "&paged=1e3"])
def test_search_bad_page_numbers(reader, extra):
    r = reader.get("/?s=harbour" + extra)
    assert r.status in (200, 404), (extra, r.status)


def test_empty_search(reader):
    for path in ("/?s=", "/?s=+++", "/?s=%22%22"):
        r = reader.get(path)
        assert r.status == 200, (path, r.status)
        assert not r.tree().find_all("article", cls="post-summary")


# ---------------------------------------------------------------------------------------------
# Sitemaps and robots.txt


def sitemap_urls(srv, base):
    """(set of locs, list of every loc) across /sitemap.xml and, for an index, its sitemaps."""
    r = get_ok(srv, "/sitemap.xml")
    assert "xml" in r.header("Content-Type")
    root = ET.fromstring(r.body)
    locs = []
    if root.tag == f"{SM}sitemapindex":
        children = [s.findtext(f"{SM}loc") for s in root.findall(f"{SM}sitemap")]
        assert children
        for child in children:
            assert re.fullmatch(re.escape(base) + r"/sitemap-posts-\d+\.xml", child), child
            sub = ET.fromstring(get_ok(srv, urllib.parse.urlsplit(child).path).body)
            assert sub.tag == f"{SM}urlset"
            urls = sub.findall(f"{SM}url")
            assert 0 < len(urls) <= SITEMAP_MAX, (child, len(urls))
            locs += check_urls(urls)
    else:
        assert root.tag == f"{SM}urlset", root.tag
        urls = root.findall(f"{SM}url")
        locs += check_urls(urls)
    return locs, root.tag


def check_urls(urls):
    out = []
    for u in urls:
        loc = u.findtext(f"{SM}loc")
        lastmod = u.findtext(f"{SM}lastmod")
        assert loc and loc.startswith("http://127.0.0.1:"), loc
        if lastmod is not None:
            assert RFC3339.match(lastmod) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmod), lastmod
        out.append(loc)
    return out


def test_sitemap_has_every_public_post_once(reader, model):
    locs, tag = sitemap_urls(reader, reader.base)
    assert tag == f"{SM}urlset"
    paths = [urllib.parse.urlsplit(u).path for u in locs]
    assert len(paths) == len(set(paths)), "a URL twice in the sitemap"
    for p in model.posts:
        assert paths.count(p.path) == 1, p.path
    assert not set(paths) & set(model.hidden_paths), "unpublished posts in the sitemap"
    assert all(u.startswith(reader.base + "/") for u in locs)


def test_sitemap_index_over_1000_urls(gazette_bin, tmp_path, new_db, start_server):
    wxr, summary = generate(tmp_path, 1250, seed=3)
    assert summary["public_count"] > SITEMAP_MAX
    g = new_site(gazette_bin, new_db(tmp_path / "big.db"), wxr)
    srv = start_server(g)
    base = serve_at_site_url(srv)
    locs, tag = sitemap_urls(srv, base)
    assert tag == f"{SM}sitemapindex"
    paths = [urllib.parse.urlsplit(u).path for u in locs]
    assert len(paths) == len(set(paths))
    public = {p["path"] for p in summary["posts"] if p["public"]}
    assert public <= set(paths), sorted(public - set(paths))[:5]
    assert not set(paths) & set(summary["hidden_paths"])


def test_robots_txt(reader):
    r = get_ok(reader, "/robots.txt")
    assert (r.header("Content-Type") or "").startswith("text/plain")
    lines = [ln.strip() for ln in r.text.splitlines()]
    assert "User-agent: *" in lines
    assert f"Sitemap: {reader.base}/sitemap.xml" in lines
    assert not any(re.fullmatch(r"Disallow:\s*/", ln) for ln in lines), "the whole site disallowed"


# ---------------------------------------------------------------------------------------------
# Head metadata, autodiscovery, landmarks


def test_seed_article_head_metadata(reader, model):
    p = model.seed
    doc = get_ok(reader, p.path).tree()
    head = doc.one("head")
    canonical = head.one("link", rel="canonical").get("href")
    assert canonical == reader.base + p.path
    metas = {}
    for m in head.find_all("meta"):
        key = m.get("property") or m.get("name")
        if key:
            assert key not in metas, f"<meta> {key} twice"
            metas[key] = m.get("content")
    assert metas["og:title"] == p.title
    assert metas["og:type"] == "article"
    assert metas["og:url"] == canonical
    assert metas["og:site_name"]
    assert metas["twitter:card"] in ("summary", "summary_large_image")
    assert metas["twitter:title"] == p.title
    assert metas["article:published_time"].startswith(p.iso[:19])
    assert metas["article:author"] == model.authors[p.author]
    desc = metas["description"]
    assert 50 <= len(desc) <= 320, desc
    first_para = doc.find("div", cls="entry-content").find("p").text
    assert first_para.startswith(desc.rstrip("…").rstrip()), (desc, first_para[:200])
    assert metas["og:description"] == desc
    scripts = [s for s in head.find_all("script") if s.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    ld = json.loads(scripts[0].raw_text())
    assert ld["@type"] in ("Article", "BlogPosting", "NewsArticle")
    assert ld["headline"] == p.title
    assert ld["datePublished"].startswith(p.iso[:19])
    author = ld["author"]
    author = author[0] if isinstance(author, list) else author
    assert author["name"] == model.authors[p.author]
    assert datetime.datetime.fromisoformat(ld["datePublished"].replace("Z", "+00:00"))
    page_of = ld.get("mainEntityOfPage")
    page_of = page_of.get("@id") if isinstance(page_of, dict) else page_of
    assert page_of == canonical


def page_kinds(reader, model):
    leaf = [c for c in model.summary["categories"].values() if c["path"].count("/") == 2
            and c["count"]][0]
    return {
        "front": "/", "front-page-2": "/page/2/",
        "category": f"/category/{leaf['path']}/", "tag": "/tag/cafe/",
        "author": f"/author/{model.seed.author}/", "year": "/2021/", "month": "/2021/06/",
        "day": "/2021/06/15/", "article": model.seed.path,
        "search": "/?s=lopez", "search-none": "/?s=nothingmatchesthis",
        "not-found": "/no/such/page/",
    }


def test_autodiscovery_links_in_every_page_head(reader, model):
    for kind, path in page_kinds(reader, model).items():
        r = reader.get(path)
        assert r.status in (200, 404), (kind, r.status)
        head = r.tree().one("head")
        alts = [(ln.get("type"), ln.get("href"), ln.get("title") or "")
                for ln in head.find_all("link", rel="alternate")]
        hrefs = [a[1] for a in alts]
        assert ("application/rss+xml", "/feed/") in [(a[0], a[1]) for a in alts], (kind, alts)
        assert ("application/atom+xml", "/feed/atom/") in [(a[0], a[1]) for a in alts], kind
        assert len(hrefs) == len(set(hrefs)), f"{kind}: the same feed linked twice: {alts}"
        for t, href, title in alts:
            assert title.strip() and not title.strip().startswith("–"), (kind, title, href)
            fr = reader.get(href)
            assert fr.status == 200 and "xml" in fr.header("Content-Type"), (kind, href)
        if kind in ("category", "tag", "author"):
            assert path + "feed/" in hrefs, (kind, hrefs)
        if kind == "article":
            assert path + "feed/" in hrefs, (kind, hrefs)


def test_landmarks_skip_link_and_search_label(reader, model):
    for kind, path in page_kinds(reader, model).items():
        doc = reader.get(path).tree()
        html_el = doc.one("html")
        assert html_el.get("lang"), kind
        main = doc.one("main")
        skip = doc.find("a", cls="skip-link")
        assert skip is not None and skip.get("href") == "#" + main.get("id"), kind
        assert doc.find("header") is not None and doc.find("footer") is not None, kind
        assert doc.find("nav") is not None, kind
        box = doc.one("input", id="site-search")
        assert doc.one("label", for_="site-search") is not None or box.get("aria-label"), kind
        assert len(doc.find_all("h1")) <= 1, kind
        if kind not in ("front", "front-page-2"):
            assert len(doc.find_all("h1")) == 1, f"{kind}: no h1"


# ---------------------------------------------------------------------------------------------
# Conditional GETs and Cache-Control


def check_conditional(srv, path, cache_control):
    r = get_ok(srv, path)
    etag, lm = r.header("ETag"), r.header("Last-Modified")
    assert etag and re.fullmatch(r'(W/)?"[^"]+"', etag), (path, etag)
    assert lm, path
    when = email.utils.parsedate_to_datetime(lm)
    assert lm.endswith(" GMT") and when.tzinfo is not None, (path, lm)
    assert when <= datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=5)
    assert r.header("Cache-Control") == cache_control, (path, r.header("Cache-Control"))
    r2 = srv.get(path, headers={"If-None-Match": etag})
    assert r2.status == 304, (path, r2.status)
    assert r2.body == b"" and r2.header("ETag") == etag, path
    assert r2.header("Cache-Control") == cache_control, path
    r3 = srv.get(path, headers={"If-None-Match": f'"other", {etag}'})
    assert r3.status == 304, (path, "If-None-Match with a list", r3.status)
    assert srv.get(path, headers={"If-None-Match": '"not-the-etag"'}).status == 200
    assert srv.get(path, headers={"If-Modified-Since": lm}).status == 304, path
    older = "Sat, 01 Jan 2000 00:00:00 GMT"
    assert srv.get(path, headers={"If-Modified-Since": older}).status == 200, path
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2)
    assert srv.get(path, headers={"If-None-Match": '"x"', "If-Modified-Since": lm}).status == 200
    return etag


def test_conditional_get_on_pages_feeds_and_sitemaps(reader, model):
    for path in ("/", "/page/2/", model.seed.path, "/category/world/", "/tag/cafe/", "/2021/",
                 f"/author/{model.seed.author}/"):
        check_conditional(reader, path, CC_PAGES)
    for path in ("/feed/", "/feed/atom/", "/comments/feed/", model.seed.path + "feed/",
                 model.seed.path + "feed/atom/", "/category/world/feed/", "/tag/cafe/feed/",
                 "/sitemap.xml"):
        check_conditional(reader, path, CC_FEEDS)


def test_cache_control_settings(seeded_site, start_server, seed):
    srv = start_server(seeded_site)
    assert get_ok(srv, seed["path"]).header("Cache-Control") == CC_PAGES
    assert get_ok(srv, "/feed/").header("Cache-Control") == CC_FEEDS
    seeded_site.run("set", "cache.control_pages", "public, max-age=60")
    seeded_site.run("set", "cache.control_feeds", "public, max-age=900")
    r = eventually(lambda: srv.get(seed["path"]),
                   lambda r: r.header("Cache-Control") == "public, max-age=60")
    assert r.header("Cache-Control") == "public, max-age=60"
    for path in ("/feed/", "/sitemap.xml"):
        r = eventually(lambda: srv.get(path),
                       lambda r: r.header("Cache-Control") == "public, max-age=900")
        assert r.header("Cache-Control") == "public, max-age=900", path


def post_comment(srv, path, n):
    fields = dict(author=f"Reader {n}", email=f"reader{n}@example.com", url="",
                  comment=f"Words of reader {n}, Marshwren{n}.", comment_parent="0")
    r = srv.post_form(path + "comments", fields)
    assert r.status == 303, (r.status, r.text[:500])
    m = re.search(r"unapproved=(\d+)", r.location_path())
    assert m, r.location_path()
    return m.group(1)


def test_etag_changes_when_a_comment_is_approved(seeded_site, start_server, seed):
    g = seeded_site
    g.run("post", "open", seed["path"])
    g.run("set", "comments.moderation", "all")
    srv = start_server(g)
    path, feed = seed["path"], seed["path"] + "feed/"
    a1 = get_ok(srv, path).header("ETag")
    f1 = get_ok(srv, feed).header("ETag")
    c1 = get_ok(srv, "/comments/feed/").header("ETag")
    cid = post_comment(srv, path, 1)
    # a held comment changes nothing public
    assert srv.get(path, headers={"If-None-Match": a1}).status == 304
    assert srv.get(feed, headers={"If-None-Match": f1}).status == 304
    g.run("comment", "approve", cid)
    r = eventually(lambda: srv.get(path, headers={"If-None-Match": a1}), lambda r: r.status == 200)
    assert r.status == 200 and r.header("ETag") != a1 and "Marshwren1" in r.text
    r = eventually(lambda: srv.get(feed, headers={"If-None-Match": f1}), lambda r: r.status == 200)
    assert r.status == 200 and r.header("ETag") != f1 and "Marshwren1" in r.text
    r = eventually(lambda: srv.get("/comments/feed/", headers={"If-None-Match": c1}),
                   lambda r: r.status == 200)
    assert r.status == 200 and "Marshwren1" in r.text
    a2 = r.header("ETag")
    assert srv.get("/comments/feed/", headers={"If-None-Match": a2}).status == 304


# ---------------------------------------------------------------------------------------------
# Feeds, parsed by npm's feedparser


def parse_feeds(node_tools, srv, tmp_dir, paths):
    """GETs each feed path, saves it, parses all with parse_feed.js; returns
    {path: (parsed, raw text, response)}."""
    files, raw = [], {}
    for i, path in enumerate(paths):
        r = get_ok(srv, path)
        ctype = r.header("Content-Type") or ""
        assert ctype.startswith(("application/rss+xml", "application/atom+xml")), (path, ctype)
        ET.fromstring(r.body)  # well-formed XML
        f = os.path.join(str(tmp_dir), f"feed-{i}.xml")
        with open(f, "wb") as fh:
            fh.write(r.body)
        files.append(f)
        raw[path] = (f, r)
    p = subprocess.run(["node", os.path.join(node_tools, "parse_feed.js")] + files,
                       capture_output=True, timeout=60)
    out = json.loads(p.stdout or b"{}")
    errors = {path: out.get(f, {}).get("error") for path, (f, _) in raw.items()
              if out.get(f, {}).get("error")}
    assert p.returncode == 0 and not errors, (errors, p.stderr.decode()[-2000:])
    return {path: (out[f], r.text, r) for path, (f, r) in raw.items()}


FEED_PATHS = ["/feed/", "/feed/atom/", "/comments/feed/", "/category/world/europe/feed/",
              "/tag/cafe/feed/", "/author/dalia/feed/"]


@pytest.fixture(scope="module")
def feeds(reader, model, node_tools, tmp_path_factory):
    paths = FEED_PATHS + [model.seed.path + "feed/", model.seed.path + "feed/atom/"]
    return parse_feeds(node_tools, reader, tmp_path_factory.mktemp("feeds"), paths)


def check_post_items(reader, model, parsed, text, expected, path, atom):
    meta, items = parsed["meta"], parsed["items"]
    assert meta["type"] == ("atom" if atom else "rss"), path
    assert meta["xmlurl"] == reader.base + path, (path, meta["xmlurl"])
    assert meta["link"] and meta["link"].startswith(reader.base + "/"), meta["link"]
    want = expected[:FEED_ITEMS]
    assert [i["link"] for i in items] == [reader.base + p.path for p in want], path
    for item, p in zip(items, want):
        assert item["title"] == p.title, (path, item["title"])
        assert item["pubdate"] == p.iso.replace("Z", ".000Z"), (path, item["pubdate"], p.date)
        assert item["guid"] == p.guid, (path, item["guid"], p.guid)
        assert item["author"] == model.authors[p.author], (path, item["author"])
        names = {model.cat_names[c] for c in p.categories} | {model.tag_names[t] for t in p.tags}
        assert names <= set(item["categories"]), (path, item["categories"], names)
        assert "<p>" in (item["description"] or ""), (path, "full text missing")
    if atom:
        stamps = re.findall(r"<(?:updated|published)>([^<]*)<", text)
        assert stamps and all(RFC3339.match(s) for s in stamps), stamps[:5]
    else:
        dates = re.findall(r"<pubDate>([^<]*)</pubDate>", text)
        assert len(dates) == len(items) and all(RFC822.match(d) for d in dates), dates[:5]
        assert text.count("<content:encoded>") == len(items), "feed.full_text true: no content"
    assert len({i["guid"] for i in items}) == len(items), "duplicate GUIDs"


@pytest.mark.parametrize("path", ["/feed/", "/feed/atom/"])
def test_site_feeds_item_by_item(reader, model, feeds, path):
    parsed, text, _ = feeds[path]
    assert len(parsed["items"]) == FEED_ITEMS
    check_post_items(reader, model, parsed, text, model.front(), path, path.endswith("atom/"))


@pytest.mark.parametrize("path", ["/category/world/europe/feed/", "/tag/cafe/feed/",
                                  "/author/dalia/feed/"])
def test_archive_feeds_item_by_item(reader, model, feeds, path):
    parsed, text, _ = feeds[path]
    kind, slug = path.split("/")[1], path.rstrip("/").split("/")[-2]
    expected = {"category": model.category, "tag": model.tag, "author": model.author}[kind](slug)
    check_post_items(reader, model, parsed, text, expected, path, False)


def check_comment_items(reader, parsed, comments, path):
    items = parsed["items"]
    assert parsed["meta"]["xmlurl"] == reader.base + path
    by_link = {reader.base + c["path"] + f"#comment-{c['id']}": c for c in comments}
    links = [i["link"] for i in items]
    assert len(set(links)) == len(links)
    for item in items:
        assert item["link"] in by_link, (path, item["link"])
        c = by_link[item["link"]]
        assert item["pubdate"] == c["date"].replace(" ", "T") + ".000Z", (item, c)
        assert item["guid"], item
        assert item["description"], item
    dates = [i["pubdate"] for i in items]
    assert dates == sorted(dates, reverse=True), "comments not newest first"
    newest = sorted(comments, key=lambda c: c["date"], reverse=True)
    assert len(items) == min(FEED_ITEMS, len(comments))
    if len(newest) > FEED_ITEMS and newest[FEED_ITEMS - 1]["date"] != newest[FEED_ITEMS]["date"]:
        assert set(links) == {reader.base + c["path"] + f"#comment-{c['id']}"
                              for c in newest[:FEED_ITEMS]}


def test_comments_feed_of_the_site(reader, model, feeds):
    parsed, _, _ = feeds["/comments/feed/"]
    check_comment_items(reader, parsed, model.comments, "/comments/feed/")
    link = parsed["meta"]["link"]
    assert link.startswith(reader.base + "/")
    assert reader.get(urllib.parse.urlsplit(link).path).status == 200, (
        f"the comments feed's channel link {link} is not a page")


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_comments_feed_of_the_seed_article(reader, model, feeds, atom):
    path = model.seed.path + ("feed/atom/" if atom else "feed/")
    parsed, _, _ = feeds[path]
    seed_comments = [c for c in model.comments if c["path"] == model.seed.path]
    assert len(parsed["items"]) == len(seed_comments) == model.seed.comments
    check_comment_items(reader, parsed, seed_comments, path)
    assert parsed["meta"]["link"] == reader.base + model.seed.path


@pytest.mark.parametrize("path", ["/category/no-such/feed/", "/tag/no-such/feed/",
                                  "/author/nobody/feed/", "/2023/04/no-such-post/feed/"])
def test_unknown_feeds_are_404(reader, path):
    assert reader.get(path).status == 404, path


def feed_guids(parsed):
    return {path: [i["guid"] for i in p["items"]] for path, (p, _, _) in parsed.items()}


def test_guids_stable_across_restart_and_reimport(gazette_bin, tmp_path, new_db, seed_wxr,
                                                  start_server, node_tools):
    wxr, _ = generate(tmp_path, 60, seed=11)
    g = new_site(gazette_bin, new_db(tmp_path / "one.db"), seed_wxr, wxr)
    g.run("set", "site.url", "https://news.example.test")
    # newer than every generated post, yet past (a date still to come would schedule it)
    yesterday = time.strftime("%Y-%m-%d %H:%M", time.gmtime(time.time() - 86400))
    _, new_path = g.new_post(tmp_path, "A post written here", date=yesterday, status="publish")
    paths = ["/feed/", "/feed/atom/", "/comments/feed/"]
    srv = start_server(g)
    kept = parse_feeds(node_tools, srv, tmp_path, paths)
    first = feed_guids(kept)
    assert all(len(v) == FEED_ITEMS and all(v) for v in first.values()), first
    assert "https://news.example.test" + new_path in {
        i["link"] for i in kept["/feed/"][0]["items"]}, "the post written here is not in /feed/"
    srv.stop()
    srv = start_server(g)
    assert feed_guids(parse_feeds(node_tools, srv, tmp_path, paths)) == first, "after restart"
    g.run("import", "wxr", seed_wxr)
    g.run("import", "wxr", wxr)
    again = eventually(lambda: feed_guids(parse_feeds(node_tools, srv, tmp_path, paths)),
                       lambda x: x == first)
    assert again == first, "after re-importing the same files"
    srv.stop()
    # a fresh database from the same files: the imported posts and comments keep their GUIDs
    g2 = new_site(gazette_bin, new_db(tmp_path / "two.db"), seed_wxr, wxr)
    g2.run("set", "site.url", "https://news.example.test")
    srv2 = start_server(g2)
    fresh = parse_feeds(node_tools, srv2, tmp_path, paths)
    for path in paths:
        was = {i["link"]: i["guid"] for i in kept[path][0]["items"]}
        now = {i["link"]: i["guid"] for i in fresh[path][0]["items"]}
        both = set(was) & set(now)
        assert len(both) >= FEED_ITEMS - 2, (path, len(both))
        assert {k: was[k] for k in both} == {k: now[k] for k in both}, (
            f"{path}: GUIDs differ after importing the same files into a fresh database")


def test_feed_settings_items_and_full_text(gazette_bin, tmp_path, new_db, seed_wxr,
                                           start_server, node_tools):
    wxr, _ = generate(tmp_path, 60, seed=5)
    g = new_site(gazette_bin, new_db(tmp_path / "s.db"), seed_wxr, wxr)
    srv = start_server(g)
    g.run("set", "feed.items", "5")
    for path in ("/feed/", "/feed/atom/", "/comments/feed/", "/category/world/feed/"):
        r = eventually(lambda: get_ok(srv, path),
                       lambda r: len(re.findall(r"<(item|entry)>", r.text)) == 5)
        assert len(re.findall(r"<(item|entry)>", r.text)) == 5, path
    g.run("set", "feed.full_text", "false")
    r = eventually(lambda: get_ok(srv, "/feed/"), lambda r: "<content:encoded>" not in r.text)
    assert "<content:encoded>" not in r.text
    out = parse_feeds(node_tools, srv, tmp_path, ["/feed/", "/feed/atom/"])
    for path in ("/feed/", "/feed/atom/"):
        parsed, text, _ = out[path]
        assert len(parsed["items"]) == 5
        for item in parsed["items"]:
            body = (item["description"] or "") + (item["summary"] or "")
            assert body.strip(), (path, "no excerpt at all", item["title"])
            assert body.count("<p>") <= 1, (path, "full text although feed.full_text is false")
    assert "<content" not in out["/feed/atom/"][1], "Atom has <content> with full_text false"


# ---------------------------------------------------------------------------------------------
# html-validate over every page kind


def validate(node_tools, files):
    cmd = [os.path.join(node_tools, "node_modules", ".bin", "html-validate"), "--config",
           os.path.join(node_tools, ".htmlvalidate.json"), "--formatter", "json"] + files
    p = subprocess.run(cmd, capture_output=True, timeout=120, cwd=node_tools)
    assert p.returncode in (0, 1), p.stderr.decode()[-2000:]
    return json.loads(p.stdout or b"[]")


def test_html_validate_every_page_kind(reader, model, node_tools, tmp_path):
    open_post = [p for p in model.by_date if p.comment_status == "open"][0]
    pages = dict(page_kinds(reader, model))
    pages.update({
        "article-open-comments": open_post.path,
        "print": model.seed.path + "print/",
        "email": model.seed.path + "email/",
        "search-too-long": "/?s=" + "x" * 300,
    })
    files = {}
    for name, path in pages.items():
        r = reader.get(path)
        assert r.status in (200, 400, 404), (name, r.status)
        if name == "article-open-comments":
            assert r.tree().find("form", id="commentform") or r.tree().find("textarea"), (
                "no comment form on an open article")
        f = str(tmp_path / f"{name}.html")
        with open(f, "wb") as fh:
            fh.write(r.body)
        files[f] = name
    results = validate(node_tools, list(files))
    problems = []
    for res in results:
        for m in res.get("messages", []):
            if m.get("severity") == 2:
                problems.append(f"{files.get(res['filePath'], res['filePath'])}:{m.get('line')}:"
                                f"{m.get('column')} [{m.get('ruleId')}] {m.get('message')}")
    assert not problems, "html-validate errors:\n" + "\n".join(problems)


def test_html_validate_catches_errors(node_tools, tmp_path):
    """The validator and config really report errors (a broken page fails)."""
    f = tmp_path / "bad.html"
    f.write_text("<!DOCTYPE html><html><head><title>x</title></head><body>"
                 "<main><main></main></main><img src=x><p id=a></p><p id=a></p></body></html>")
    results = validate(node_tools, [str(f)])
    rules = {m["ruleId"] for r in results for m in r["messages"] if m["severity"] == 2}
    assert {"no-dup-id", "wcag/h37"} <= rules, rules


def test_htmlvalidate_config_turns_no_rule_off_silently():
    with open(os.path.join(BROWSER, ".htmlvalidate.json"), encoding="utf-8") as f:
        config = json.load(f)
    assert "html-validate:recommended" in config["extends"]
    with open(os.path.join(BROWSER, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    reasons = readme.split("## Rules turned off, and why", 1)[1]
    for rule, value in config.get("rules", {}).items():
        level = value[0] if isinstance(value, list) else value
        if level in ("off", 0):
            m = re.search(r"^- `" + re.escape(rule) + r"` \(off\): (.{40,}?)(?=^- |\Z)", reasons,
                          re.M | re.S)
            assert m, f"rule {rule} is off without a reason in tests/browser/README.md"


# ---------------------------------------------------------------------------------------------
# Screenshots in headless Chromium


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


@pytest.mark.stores("sqlite")
def test_screenshots_1280_and_360(reader, model, node_tools, tmp_path):
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    assert os.access(chromium, os.X_OK), f"{chromium} missing (scripts/deps installs chromium)"
    out = os.environ.get("GAZETTE_SCREENSHOTS") or str(tmp_path / "shots")
    pages = {"front": "/", "archive": "/category/world/europe/", "article": model.seed.path,
             "search": "/?s=lopez"}
    p = subprocess.run(["node", os.path.join(node_tools, "screenshots.js"), "--base", reader.base,
                        "--out", out] + [f"{k}={v}" for k, v in pages.items()],
                       capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr.decode()[-3000:]
    shots = json.loads(p.stdout)
    assert len(shots) == 2 * len(pages)
    for s in shots:
        assert s["status"] == 200, s
        size = os.path.getsize(s["file"])
        w, h = png_size(s["file"])
        assert w == s["width"] and h >= 300, (s, w, h)
        assert size > 10000, (s, size, "nearly empty screenshot")
        if s["width"] == 360:
            assert s["scrollWidth"] <= 360, (s["name"], "horizontal scroll at 360 px",
                                             s["scrollWidth"])
