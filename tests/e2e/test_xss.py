# test_xss.py: the XSS corpus. Every vector of tests/data/xss_vectors.txt (our own collection
# from the public cheat sheets' families) goes into every place where a reader's or an imported
# file's words reach a page: comment bodies (Markdown over HTTP, HTML in a WXR import), author
# names, websites and emails, post titles, excerpts and bodies, category, tag and author names,
# the search query, the email form. The pages that show them (articles, print pages, listings,
# archives, search, RSS/Atom feeds, the admin pages, the email's HTML part) are parsed with a
# real HTML parser (html5lib, Debian's python3-html5lib; html.parser when it is missing), and a
# test per sink fails when a page holds a script, an event-handler attribute, a URL with a
# scheme other than http/https/mailto, an active or foreign (SVG/MathML) element, injected CSS
# or any element gazette's own markup of that page kind does not have. Each failure names the
# vector (#N: its place in the file, from 0; alert(1) in a vector is sent as alert(1000+N) to
# trace what a page shows back to it), the sink, the URL and what was found.
#
# One site per store holds all vectors at once: one import (a post per vector: its title,
# excerpt, body, category, tag, author and two comments all made of the vector) and a comment
# per vector posted over HTTP to two open posts. Gazette's own markup is learnt from the same
# page kinds fetched before any vector is stored. About 25 s a store.
import concurrent.futures
import html
import json
import os
import re
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from conftest import (SOURCE, Gazette, Node, Server, TreeBuilder, admin_session,
                      allow_quick_comments, eventually)

try:
    import html5lib
except ImportError:  # Debian: python3-html5lib
    html5lib = None
if os.environ.get("GAZETTE_XSS_PARSER") == "html.parser":  # to try the fallback
    html5lib = None

VECTORS_FILE = os.path.join(SOURCE, "tests", "data", "xss_vectors.txt")
FIRST_MARK = 1000  # vector N is sent with alert(1000+N) in place of alert(1)
ADMIN, PASSWORD = "xssboss", "xss-boss-pass-phrase"
WORD = "quillwort"  # in every imported body, for the search results sink
BASE_ID = 5000      # imported post of vector N: id BASE_ID+N
COMMENT_BASE = 70000  # its comments: COMMENT_BASE+2N (approved) and +1 (pending)
PLAIN_ID, PLAIN_COMMENT = 4000, 60000
POOL = 6            # parallel requests


# ---------------------------------------------------------------------------------------------
# The vectors


def load_vectors(path=VECTORS_FILE):
    """The corpus as a list of str (or bytes, for the 'bytes' lines)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("esc "):
                out.append(line[4:].encode("ascii").decode("unicode_escape"))
            elif line.startswith("bytes "):
                out.append(line[6:].encode("ascii").decode("unicode_escape").encode("latin-1"))
            else:
                out.append(line)
    return out


def numbered(n, v):
    mark = f"alert({FIRST_MARK + n})"
    return v.replace("alert(1)", mark) if isinstance(v, str) else v.replace(
        b"alert(1)", mark.encode())


VECTORS = [numbered(n, v) for n, v in enumerate(load_vectors())]
MARK_RE = re.compile(r"alert\((\d{4})\)")


def text_of(v):
    return v if isinstance(v, str) else v.decode("utf-8", "replace")


def xml_text(v):
    """The vector as XML 1.0 can carry it: characters XML forbids dropped."""
    return re.sub("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", "", text_of(v))


def short(v, n=90):
    s = repr(v)
    return s if len(s) <= n else s[:n] + "…"


# ---------------------------------------------------------------------------------------------
# An HTML tree with namespaces, from html5lib (or html.parser)

HTML_NS = "http://www.w3.org/1999/xhtml"
SVG_NS = "http://www.w3.org/2000/svg"
MATH_NS = "http://www.w3.org/1998/Math/MathML"
ATTR_NS = {"http://www.w3.org/1999/xlink": "xlink", "http://www.w3.org/XML/1998/namespace": "xml",
           "http://www.w3.org/2000/xmlns/": "xmlns"}


class El:
    def __init__(self, ns, tag, attrs, parent):
        self.ns, self.tag, self.attrs, self.parent = ns, tag, attrs, parent
        self.children = []
        self.text = ""  # text before the first child (all of a raw text element's text)
        self.tail = ""  # text after the element, up to its next sibling
        if parent is not None:
            parent.children.append(self)

    def iter(self):
        yield self
        for c in self.children:
            yield from c.iter()

    def all_text(self):
        return self.text + "".join(c.all_text() + c.tail for c in self.children
                                   if c.tag != "#comment")

    def ids(self):
        n, out = self, []
        while n is not None:
            if n.attrs.get("id"):
                out.append(n.attrs["id"])
            n = n.parent
        return out

    def markup(self, own=False):
        """A compact serialization of the element and what is inside it (own: its start tag
        and first text only)."""
        if self.tag == "#comment":
            return f"<!--{self.text}-->"
        attrs = "".join(f" {k}={v!r}" for k, v in self.attrs.items())
        inner = self.text + ("" if own else "".join(c.markup() + c.tail for c in self.children))
        ns = "" if self.ns == HTML_NS else {SVG_NS: "svg:", MATH_NS: "math:"}.get(self.ns, "?:")
        return f"<{ns}{self.tag}{attrs}>{inner}"


def _from_etree(e, parent):
    tag = e.tag
    if callable(tag):  # a comment
        node = El(None, "#comment", {}, parent)
        node.text, node.tail = e.text or "", e.tail or ""
        return
    if not isinstance(tag, str) or tag.startswith("<!"):
        return
    ns, _, local = tag[1:].partition("}") if tag.startswith("{") else (HTML_NS, "", tag)
    attrs = {}
    for k, v in e.attrib.items():
        if k.startswith("{"):
            kns, _, kl = k[1:].partition("}")
            k = f"{ATTR_NS.get(kns, kns)}:{kl}"
        attrs[k] = v
    node = El(ns, local, attrs, parent)
    node.text, node.tail = e.text or "", e.tail or ""
    for c in e:
        _from_etree(c, node)


class _Fallback(TreeBuilder):
    """conftest's html.parser tree, keeping comments."""

    def handle_comment(self, data):
        node = Node("#comment", [], self.stack[-1])
        node.children.append(data)
        self.stack[-1].children.append(node)


def _from_nodes(n, parent, ns=HTML_NS):
    for c in n.children:
        if isinstance(c, str):
            if parent.children:
                parent.children[-1].tail += c
            else:
                parent.text += c
        elif c.tag == "#comment":
            El(None, "#comment", {}, parent).text = "".join(c.children)
        else:
            cns = SVG_NS if c.tag == "svg" else MATH_NS if c.tag == "math" else ns
            _from_nodes(c, El(cns, c.tag, dict(c.attrs), parent), cns)


def parse(text, fragment=False):
    root = El(None, "#root", {}, None)
    if html5lib is not None:
        if fragment:
            top = html5lib.parseFragment(text, container="div", treebuilder="etree")
            root.text = top.text or ""
            for c in top:
                _from_etree(c, root)
        else:
            _from_etree(html5lib.parse(text, treebuilder="etree"), root)
    else:
        b = _Fallback()
        b.feed(text)
        b.close()
        _from_nodes(b.root, root)
    return root


# ---------------------------------------------------------------------------------------------
# The checker

SAFE_SCHEMES = {"http", "https", "mailto"}  # render_url_is_safe and the url filter: no others
URL_ATTRS = {"href", "src", "action", "formaction", "srcset", "xlink:href", "data", "poster",
             "background", "cite", "longdesc", "usemap", "codebase", "ping", "dynsrc", "lowsrc",
             "manifest", "icon", "classid", "archive", "code", "profile", "to", "values", "from"}
ACTIVE = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal",
          "bgsound", "layer", "ilayer", "isindex", "import", "xml", "param"}
# What markup/sanitize.c may write (article and comment profiles together), and what the HTML
# parser adds around a fragment.
SANITIZER_TAGS = set("""p br hr h1 h2 h3 h4 h5 h6 blockquote q cite ul ol li dl dt dd pre code
    em strong b i u s del ins sub sup small mark abbr span div a img figure figcaption table
    thead tbody tfoot tr th td caption html head body""".split())


class Profile:
    """What gazette itself puts on pages of one kind (learnt from clean pages): its external
    scripts, JSON-LD, style sheets, meta and link elements, style attributes, comments and
    element names."""

    def __init__(self, texts=(), fragment=False):
        self.scripts, self.styles, self.metas, self.links = set(), set(), set(), set()
        self.style_attrs, self.comments, self.json_ld = set(), set(), False
        self.tags = {(HTML_NS, t) for t in SANITIZER_TAGS}
        for t in texts:
            self.learn(parse(t, fragment))

    def learn(self, root):
        for el in root.iter():
            if el.tag == "#root":
                continue
            if el.tag == "#comment":
                self.comments.add(el.text)
                continue
            self.tags.add((el.ns, el.tag))
            if el.tag == "script":
                if el.attrs.get("type") == "application/ld+json":
                    self.json_ld = True
                else:
                    self.scripts.add((tuple(sorted(el.attrs.items())), el.text))
            elif el.tag == "style":
                self.styles.add(el.text)
            elif el.tag == "meta":
                self.metas.add(meta_identity(el))
            elif el.tag == "link":
                self.links.add(el.attrs.get("rel", ""))
            if "style" in el.attrs:
                self.style_attrs.add(el.attrs["style"])


def meta_identity(el):
    return tuple((k, el.attrs[k]) for k in ("name", "property", "charset", "http-equiv")
                 if k in el.attrs)


def url_scheme(value):
    """The scheme a browser would see, strictly: entities are already decoded by the parser;
    every ASCII control and space character is dropped; None for a relative URL."""
    squashed = re.sub(r"[\x00-\x20\x7f]", "", value)
    m = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", squashed)
    return m.group(1).lower() if m else None


def bad_url(value):
    scheme = url_scheme(value)
    return scheme is not None and scheme not in SAFE_SCHEMES


def check_tree(root, profile):
    """[(problem, element)] for one parsed page or fragment."""
    found = []
    for el in root.iter():
        if el.tag == "#root":
            continue
        if el.tag == "#comment":
            if el.text not in profile.comments:
                found.append(("HTML comment gazette did not write", el))
            continue
        a = el.attrs
        if el.tag == "script":
            if a.get("type") == "application/ld+json" and profile.json_ld:
                try:
                    json.loads(el.text)
                    ok = "</script" not in el.text.lower() and "<!--" not in el.text
                except ValueError:
                    ok = False
                if not ok:
                    found.append(("JSON-LD that is not clean JSON", el))
            elif (tuple(sorted(a.items())), el.text) not in profile.scripts:
                found.append(("script element", el))
        elif el.tag == "style" and el.text not in profile.styles:
            found.append(("style element", el))
        elif el.tag == "meta" and (meta_identity(el) not in profile.metas or
                                   el.parent.tag != "head"):
            found.append(("meta element", el))
        elif el.tag == "link" and (a.get("rel", "") not in profile.links or
                                   el.parent.tag != "head"):
            found.append(("link element", el))
        elif el.tag in ACTIVE:
            found.append((f"active element <{el.tag}>", el))
        elif el.ns in (SVG_NS, MATH_NS) and (el.ns, el.tag) not in profile.tags:
            found.append(("SVG/MathML element", el))
        elif (el.ns, el.tag) not in profile.tags:
            found.append((f"element <{el.tag}> gazette's page has not", el))
        for k, v in a.items():
            if k.lower().startswith("on"):
                found.append((f"event handler {k}", el))
            if k.lower() in URL_ATTRS:
                urls = [c.strip().split(" ")[0] for c in v.split(",")] if k == "srcset" else [v]
                if any(bad_url(u) for u in urls):
                    found.append((f"{k} with a dangerous scheme", el))
            if k.lower() == "style" and v not in profile.style_attrs:
                found.append(("style attribute" + (
                    " with script or url()" if re.search(
                        r"expression|javascript:|vbscript:|url\s*\(|behavior|binding|\\",
                        v, re.I) else ""), el))
        if el.tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            m = re.search(r"url\s*=\s*['\"]?([^'\"]*)", a.get("content", ""), re.I)
            if m and bad_url(m.group(1)):
                found.append(("meta refresh to a dangerous scheme", el))
    return found


class Finding:
    def __init__(self, problem, markup, ids, own=""):
        """own: the part of markup that is the element itself (its start tag and first text),
        searched first for the vector's alert(1000+N) mark."""
        self.problem, self.markup, self.ids = problem, markup, ids
        self.marks = ({int(m) - FIRST_MARK for m in MARK_RE.findall(own)} or
                      {int(m) - FIRST_MARK for m in MARK_RE.findall(markup)})


def check_html(text, profile, fragment=False):
    """Findings of one page (or fragment): the tree's, and '<script' in the raw text that the
    parser did not see as an element (the parser and the page disagreeing)."""
    root = parse(text, fragment)
    out = [Finding(p, el.markup(), el.ids(), El.markup(el, own=True))
           for p, el in check_tree(root, profile)]
    raw = [m.start() for m in re.finditer(r"<script[\s/>]", text, re.I)]
    parsed = sum(1 for el in root.iter() if el.tag == "script")
    if len(raw) > parsed:
        for at in raw:
            out.append(Finding("'<script' in the page's raw text that is not an element",
                               text[at:at + 200], []))
    return out


# ---------------------------------------------------------------------------------------------
# Pages and how their findings are traced to a vector


class Page:
    def __init__(self, sink, url, text, vectors, family, kind="html"):
        self.sink, self.url, self.text, self.family, self.kind = sink, url, text, family, kind
        self.vectors = tuple(vectors)


def check_page(page, corpus):
    """[(vectors, finding)] of a page; feeds are parsed as XML and each entry's HTML checked
    as a fragment, owned by the entry's post or comment."""
    if page.kind == "html":
        return [(corpus.owners(f, page.vectors), f)
                for f in check_html(page.text, corpus.profiles[page.family])]
    try:
        root = ET.fromstring(page.text.encode("utf-8"))
    except ET.ParseError as e:
        return [(page.vectors, Finding(f"feed is not well-formed XML ({e})", "", []))]
    out = []
    atom = "{http://www.w3.org/2005/Atom}"
    entries = root.findall("channel/item") + root.findall(f"{atom}entry")
    for entry in entries:
        link = entry.findtext("link") or ""
        htmls = [("RSS description", entry.findtext("description")),
                 ("RSS content:encoded",
                  entry.findtext("{http://purl.org/rss/1.0/modules/content/}encoded"))]
        for child in entry:
            if child.tag == f"{atom}link" and child.get("rel", "alternate") == "alternate":
                link = child.get("href", "")
            if child.tag in (f"{atom}content", f"{atom}summary"):
                name, kind = "Atom " + child.tag[len(atom):], child.get("type", "text")
                if kind == "html":
                    htmls.append((name, child.text))
                elif kind == "xhtml":
                    htmls.append((name, "".join(ET.tostring(c, encoding="unicode")
                                                for c in child)))
        owner = corpus.link_owner(link)
        for name, h in htmls:
            for f in check_html(h or "", corpus.profiles["fragment"], fragment=True):
                f.problem = f"{name}: {f.problem}"
                out.append((corpus.owners(f, owner or page.vectors), f))
    return out


def report(sink, results):
    lines = []
    for page, vectors, f in results:
        who = ", ".join(f"#{n} {short(VECTORS[n], 70)}" for n in sorted(vectors)[:3])
        if len(vectors) > 3:
            who += f" (one of {len(vectors)} vectors on the page)"
        lines.append(f"vector {who or '?'} -> {sink} {page.url}: {f.problem}: "
                     f"{f.markup[:240]!r}")
    kinds = {}
    for page, vectors, f in results:
        key = re.sub(r"\d+", "N", page.url.split("?")[0]) + " " + f.problem
        kinds[key] = kinds.get(key, 0) + 1
    summary = "".join(f"  {n} x {k}\n" for k, n in sorted(kinds.items(), key=lambda x: -x[1]))
    return f"{len(results)} problem(s) in sink {sink}:\n{summary}" + "\n".join(lines[:60]) + (
        f"\n… and {len(lines) - 60} more" if len(lines) > 60 else "")


# ---------------------------------------------------------------------------------------------
# The WXR file: a post per vector


def cdata(s):
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wxr(authors, terms, items):
    """authors: [(login, display)]; terms: [(kind, slug, name, description)]; items: dicts."""
    out = ['<?xml version="1.0" encoding="UTF-8" ?>',
           '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
           'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/" '
           'xmlns:wp="http://wordpress.org/export/1.2/">', "<channel>",
           "<title>Corpus</title><link>http://old.example.invalid</link>",
           "<description>x</description><wp:wxr_version>1.2</wp:wxr_version>",
           "<wp:base_site_url>http://old.example.invalid</wp:base_site_url>",
           "<wp:base_blog_url>http://old.example.invalid</wp:base_blog_url>"]
    for n, (login, display) in enumerate(authors):
        out.append(f"<wp:author><wp:author_id>{n + 1}</wp:author_id>"
                   f"<wp:author_login>{cdata(login)}</wp:author_login>"
                   f"<wp:author_email>{cdata(login + '@example.invalid')}</wp:author_email>"
                   f"<wp:author_display_name>{cdata(display)}</wp:author_display_name>"
                   "</wp:author>")
    for kind, slug, name, description in terms:
        if kind == "category":
            out.append(f"<wp:category><wp:category_nicename>{cdata(slug)}</wp:category_nicename>"
                       f"<wp:category_parent></wp:category_parent><wp:cat_name>{cdata(name)}"
                       f"</wp:cat_name><wp:category_description>{cdata(description)}"
                       "</wp:category_description></wp:category>")
        else:
            out.append(f"<wp:tag><wp:tag_slug>{cdata(slug)}</wp:tag_slug><wp:tag_name>"
                       f"{cdata(name)}</wp:tag_name><wp:tag_description>{cdata(description)}"
                       "</wp:tag_description></wp:tag>")
    for it in items:
        out += ["<item>", f"<title>{cdata(it['title'])}</title>",
                f"<link>http://old.example.invalid{it['path']}</link>",
                f"<dc:creator>{cdata(it['creator'])}</dc:creator>",
                f'<guid isPermaLink="false">http://old.example.invalid/?p={it["id"]}</guid>',
                "<description></description>",
                f"<content:encoded>{cdata(it['content'])}</content:encoded>",
                f"<excerpt:encoded>{cdata(it['excerpt'])}</excerpt:encoded>",
                f"<wp:post_id>{it['id']}</wp:post_id>",
                f"<wp:post_date>{cdata(it['date'])}</wp:post_date>",
                f"<wp:post_date_gmt>{cdata(it['date'])}</wp:post_date_gmt>",
                "<wp:comment_status>open</wp:comment_status>",
                f"<wp:post_name>{cdata(it['slug'])}</wp:post_name>",
                "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>",
                "<wp:post_password></wp:post_password><wp:is_sticky>0</wp:is_sticky>",
                f'<category domain="category" nicename="{it["category"][0]}">'
                f'{cdata(it["category"][1])}</category>',
                f'<category domain="post_tag" nicename="{it["tag"][0]}">'
                f'{cdata(it["tag"][1])}</category>']
        for c in it["comments"]:
            out.append(
                f"<wp:comment><wp:comment_id>{c['id']}</wp:comment_id>"
                f"<wp:comment_author>{cdata(c['author'])}</wp:comment_author>"
                f"<wp:comment_author_email>{cdata(c['email'])}</wp:comment_author_email>"
                f"<wp:comment_author_url>{cdata(c['url'])}</wp:comment_author_url>"
                "<wp:comment_author_IP>192.0.2.7</wp:comment_author_IP>"
                f"<wp:comment_date>{cdata(it['date'])}</wp:comment_date>"
                f"<wp:comment_date_gmt>{cdata(it['date'])}</wp:comment_date_gmt>"
                f"<wp:comment_content>{cdata(c['content'])}</wp:comment_content>"
                f"<wp:comment_approved>{c['approved']}</wp:comment_approved>"
                "<wp:comment_type>comment</wp:comment_type><wp:comment_parent>0"
                "</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>")
        out.append("</item>")
    return "\n".join(out + ["</channel>", "</rss>", ""])


def post_item(pid, slug, title, content, excerpt, creator, category, tag, comments, minute):
    return dict(id=pid, slug=slug, path=f"/xss-corpus/{slug}/", title=title, content=content,
                excerpt=excerpt, creator=creator, category=category, tag=tag, comments=comments,
                date=f"2023-{1 + minute // 1440 % 12:02d}-{1 + minute // 60 % 24:02d} "
                     f"{minute // 60 % 24:02d}:{minute % 60:02d}:00")


def clean_wxr():
    item = post_item(PLAIN_ID, "plain", "Plain baseline post",
                     f"<p>Plain words about {WORD}, <em>said</em> <a href=\"https://example.com/\">"
                     "here</a>.</p>", "A plain excerpt.", "plainauthor",
                     ("plain-category", "Plain category"), ("plain-tag", "Plain tag"),
                     [dict(id=PLAIN_COMMENT + k, author="Plain Reader", approved=str(1 - k),
                           email="plain@example.com", url="https://example.com/plain",
                           content="<p>A plain <strong>reply</strong>.</p>") for k in (0, 1)], 0)
    return wxr([("plainauthor", "Plain Author")],
               [("category", "plain-category", "Plain category", "Plain description"),
                ("tag", "plain-tag", "Plain tag", "Plain description")], [item])


def corpus_wxr():
    authors, terms, items = [], [], []
    for n, v in enumerate(VECTORS):
        t = xml_text(v)
        authors.append((f"xa{n}", t))
        terms += [("category", f"xc{n}", t, t), ("tag", f"xt{n}", t, t)]
        # the body and (for even N) the excerpt hold the vector as markup and as text; odd N
        # have no excerpt, so feeds and listings summarize the body's text
        excerpt = f"{t} {html.escape(t)}" if n % 2 == 0 else ""
        items.append(post_item(
            BASE_ID + n, f"v{n}", t, f"{t}\n\n<p>{html.escape(t)} {WORD}</p>\n\n{t}", excerpt,
            f"xa{n}", (f"xc{n}", t), (f"xt{n}", t),
            [dict(id=COMMENT_BASE + 2 * n + k, author=t, email=t, url=t, content=t,
                  approved=str(1 - k)) for k in (0, 1)], 10 + n))
    return wxr(authors, terms, items)


# ---------------------------------------------------------------------------------------------
# The site


class Corpus:
    def __init__(self, g, srv, admin, smtp):
        self.g, self.srv, self.admin, self.smtp = g, srv, admin, smtp
        self.profiles = {"fragment": Profile()}
        self.id_owner = {}    # element id (comment-N, post-N) -> vector
        self.path_owner = {}  # post path -> vector
        self.accepted = {}    # vector -> the fields its HTTP comment kept
        self.comment_posts = []

    def owners(self, finding, default):
        if finding.marks & set(range(len(VECTORS))):
            return finding.marks & set(range(len(VECTORS)))
        if len(default) == 1:
            return set(default)
        for i in finding.ids:
            if i in self.id_owner:
                return {self.id_owner[i]}
        return set(default)

    def link_owner(self, link):
        u = urllib.parse.urlsplit(link)
        if u.fragment in self.id_owner:
            return [self.id_owner[u.fragment]]
        return [self.path_owner[u.path]] if u.path in self.path_owner else None

    def get(self, path, admin=False, expect=200):
        r = (self.admin.get(path) if admin else self.srv.get(path))
        assert r.status == expect, (path, r, r.text[:500])
        return r.text

    def fetch(self, jobs):
        """Runs (function, args) jobs in parallel; returns their results in order."""
        with concurrent.futures.ThreadPoolExecutor(POOL) as pool:
            return list(pool.map(lambda job: job[0](*job[1]), jobs))

    def pages(self, path, admin=False):
        """A paginated list: the first page and every next page its "Older" link leads to."""
        out = []
        while path:
            text = self.get(path, admin)
            out.append((path, text))
            nxt = re.search(r'<a (?:class="older" )?href="([^"]+)"(?: rel="next")?>Older', text)
            path = html.unescape(nxt.group(1)) if nxt else None
            assert len(out) < 50, "pagination does not end"
        return out


def commenter_action(srv, path):
    r = srv.get(path)
    m = re.search(r'<form id="commentform"[^>]* action="([^"]+)"', r.text)
    assert r.status == 200 and m, (path, r)
    return urllib.parse.urlsplit(html.unescape(m.group(1))).path


def post_hostile_comment(corpus, n, v, action):
    """Posts vector n in every field; a field gazette refuses (400) is replaced by a plain
    value, one at a time."""
    fields = dict(author=v, email=v, url=v, comment=v, comment_parent="0")
    plain = dict(email=f"reader{n}@example.com", url="", author=f"Reader {n}",
                 comment=f"Comment {n} of our own.")
    for fallback in ("email", "url", "author", "comment", None):
        r = corpus.srv.post_form(action, fields)
        if r.status == 303:
            m = re.search(r"#comment-(\d+)$", r.location_path())
            assert m, r.location_path()
            corpus.id_owner[f"comment-{m.group(1)}"] = n
            corpus.accepted[n] = [k for k in plain if fields[k] is v]
            return
        assert r.status == 400, (n, v, r, r.text[:800])
        assert fallback, f"vector {n} {v!r}: refused even with plain fields"
        fields[fallback] = plain[fallback]


def learn_baselines(c):
    """Profiles of gazette's own markup, from the page kinds fetched while the site holds only
    plain content."""
    plain = "/xss-corpus/plain/"
    r = c.srv.post_form(c.comment_actions[0], dict(author="", email="a@example.com", url="",
                                                   comment="Plain.", comment_parent="0"))
    assert r.status == 400, r
    echo = r.text
    r = c.srv.post_form(plain + "email/", dict(to="nobody", name="Plain", email="", note="hi"))
    assert r.status == 400, r
    public = [c.get(plain), c.get(c.comment_posts[0]), echo, r.text, c.get(plain + "email/"),
              c.get("/"), c.get(f"/?s={WORD}"), c.get("/?s=nothing+matches+this"),
              c.get("/category/plain-category/"), c.get("/tag/plain-tag/"),
              c.get("/author/plainauthor/")]
    c.profiles["public"] = Profile(public)
    c.profiles["print"] = Profile([c.get(plain + "print/?comments=1"),
                                   c.get(c.comment_posts[0] + "print/?comments=1"),
                                   send_email(c, plain, "Plain Sender", "A plain note.",
                                              "plain@example.net")[1]])
    preview = c.admin.post("/admin/posts/new", preview_fields("Plain *words*"))
    assert preview.status == 200, preview
    c.profiles["admin"] = Profile(
        [c.get(p, admin=True) for p in (
            "/admin/", "/admin/posts", f"/admin/posts/{PLAIN_ID}", "/admin/users",
            "/admin/comments?status=approved", "/admin/comments?status=pending",
            f"/admin/comments/{PLAIN_COMMENT}/edit")] + [preview.text])


def preview_fields(v):
    return dict(title=v, slug="", date="", status="draft", comments="open", body=v, excerpt=v,
                categories=v, tags=v, action="preview")


def send_email(c, path, name, note, to):
    """Sends the article at path by email and waits for the message; (status, HTML part or
    the 400 page)."""
    before = len(c.smtp.messages())
    r = c.srv.post_form(path + "email/", dict(to=to, name=name, email="", note=note))
    if r.status != 303:
        return r.status, r.text
    msgs = c.smtp.wait_for(before + 1)
    assert len(msgs) > before, "the email did not arrive"
    return 303, html_part(msgs[-1]["msg"])


def html_part(msg):
    for p in msg.walk():
        if p.get_content_type() == "text/html":
            return p.get_payload(decode=True).decode(p.get_content_charset() or "utf-8",
                                                      "replace")
    raise AssertionError("the email has no text/html part")


@pytest.fixture(scope="module")
def corpus(gazette_bin, tmp_path_factory, module_db):
    from test_email import SmtpSink
    d = tmp_path_factory.mktemp("xss")
    g = Gazette(gazette_bin, module_db(d / "xss.db"))
    g.run("init")
    allow_quick_comments(g)
    smtp = SmtpSink(str(d / "smtp"))
    for k, v in {"comments.moderation": "none", "comments.max_links": "0",
                 "site.posts_per_page": "100", "feed.items": "200",
                 "mail.smtp_url": f"smtp://127.0.0.1:{smtp.port}", "mail.from": "news@example.org",
                 "site.url": "https://xss.example.org",
                 "mail.limit_per_ip_hour": "100000",
                 "mail.limit_per_recipient_hour": "100000"}.items():
        g.run("set", k, v)
    g.add_user(ADMIN, "admin", PASSWORD)
    (d / "plain.xml").write_text(clean_wxr(), encoding="utf-8")
    g.run("import", "wxr", d / "plain.xml")
    srv = Server(g, str(d), threads=4).start()
    c = Corpus(g, srv, admin_session(srv, ADMIN, PASSWORD), smtp)
    try:
        for k in range(2):
            c.comment_posts.append(g.new_post(d, f"Readers write here {k}", body="Open.",
                                              status="publish", date="2024-05-01 10:00")[1])
        c.comment_actions = [commenter_action(srv, p) for p in c.comment_posts]
        r = srv.post_form(c.comment_actions[0], dict(author="Plain", email="p@example.com",
                                                     url="https://example.com/p",
                                                     comment="Plain *words*.", comment_parent="0"))
        assert r.status == 303, r
        learn_baselines(c)

        # the corpus: the import, then a comment per vector over HTTP
        (d / "corpus.xml").write_text(corpus_wxr(), encoding="utf-8")
        g.run("import", "wxr", d / "corpus.xml")
        for n in range(len(VECTORS)):
            c.path_owner[f"/xss-corpus/v{n}/"] = n
            c.id_owner[f"post-{BASE_ID + n}"] = n
            for k in (0, 1):
                c.id_owner[f"comment-{COMMENT_BASE + 2 * n + k}"] = n
        last = f"/xss-corpus/v{len(VECTORS) - 1}/"
        assert eventually(lambda: srv.get(last).status, lambda s: s == 200) == 200
        c.fetch([(post_hostile_comment, (c, n, v, c.comment_actions[n % 2]))
                 for n, v in enumerate(VECTORS)])
        yield c
    finally:
        srv.stop()
        smtp.stop()


# ---------------------------------------------------------------------------------------------
# The sinks: each gathers its pages


ALL = range(len(VECTORS))


def per_post(c, sink, suffix, family, admin=False, kind="html"):
    paths = [f"/xss-corpus/v{n}/{suffix}" for n in ALL]
    texts = c.fetch([(c.get, (p, admin)) for p in paths])
    return [Page(sink, p, t, [n], family, kind) for n, (p, t) in enumerate(zip(paths, texts))]


def comment_posts_pages(c, sink, suffix, family, kind="html"):
    return [Page(sink, p + suffix, c.get(p + suffix), [n for n in ALL if n % 2 == k], family,
                 kind) for k, p in enumerate(c.comment_posts)]


def sink_article(c):
    return per_post(c, "article", "", "public") + comment_posts_pages(c, "article", "", "public")


def sink_comment_form_echo(c):
    """A comment refused (its parent is no number) shows the form again with every field."""
    def refused(n, v):
        action = f"/xss-corpus/v{n}/comments"
        r = c.srv.post_form(action, dict(author=v, email=v, url=v, comment=v, comment_parent="x"))
        assert r.status == 400, (n, r)
        return Page("comment_form_echo", f"POST {action} (vector {n})", r.text, [n], "public")
    return c.fetch([(refused, (n, v)) for n, v in enumerate(VECTORS)])


def sink_print(c):
    return (per_post(c, "print", "print/?comments=1", "print") +
            comment_posts_pages(c, "print", "print/?comments=1", "print"))


def sink_listings(c):
    pages = [Page("listings", p, t, ALL, "public") for p, t in c.pages("/")]
    for kind, prefix in (("category", "xc"), ("tag", "xt"), ("author", "xa")):
        paths = [f"/{kind}/{prefix}{n}/" for n in ALL]
        pages += [Page("listings", p, t, [n], "public")
                  for n, (p, t) in enumerate(zip(paths, c.fetch([(c.get, (p,)) for p in paths])))]
    return pages


def sink_search_query(c):
    def search(n, v):
        path = "/?s=" + urllib.parse.quote_plus(v)
        r = c.srv.get(path)
        # a query that is not UTF-8 is refused (400), the page still shows the search form
        assert r.status == 200 or (r.status == 400 and isinstance(v, bytes)), (path, r)
        return Page("search_query", path, r.text, [n], "public")
    return c.fetch([(search, (n, v)) for n, v in enumerate(VECTORS)])


def sink_search_results(c):
    return [Page("search_results", p, t, ALL, "public") for p, t in c.pages(f"/?s={WORD}")]


def sink_feeds(c):
    pages = [Page("feeds", p, c.get(p), ALL, None, "feed")
             for p in ("/feed/", "/feed/atom/", "/comments/feed/", "/comments/feed/atom/")]
    pages += per_post(c, "feeds", "feed/", None, kind="feed")
    pages += per_post(c, "feeds", "feed/atom/", None, kind="feed")
    pages += comment_posts_pages(c, "feeds", "feed/", None, kind="feed")
    paths = [f"/category/xc{n}/feed/" for n in ALL]
    pages += [Page("feeds", p, t, [n], None, "feed")
              for n, (p, t) in enumerate(zip(paths, c.fetch([(c.get, (p,)) for p in paths])))]
    return pages


def sink_admin_posts(c):
    pages = [Page("admin_posts", p, t, ALL, "admin") for p, t in c.pages("/admin/posts", True)]
    pages.append(Page("admin_posts", "/admin/", c.get("/admin/", True), ALL, "admin"))
    paths = [f"/admin/posts/{BASE_ID + n}" for n in ALL]
    pages += [Page("admin_posts", p, t, [n], "admin") for n, (p, t) in
              enumerate(zip(paths, c.fetch([(c.get, (p, True)) for p in paths])))]
    return pages


def sink_admin_comments(c):
    pages = []
    for status in ("approved", "pending"):
        pages += [Page("admin_comments", p, t, ALL, "admin")
                  for p, t in c.pages(f"/admin/comments?status={status}", True)]
    ids = sorted(int(k[8:]) for k in c.id_owner if k.startswith("comment-"))
    paths = [f"/admin/comments/{i}/edit" for i in ids]
    pages += [Page("admin_comments", p, t, [c.id_owner[f"comment-{i}"]], "admin") for i, p, t in
              zip(ids, paths, c.fetch([(c.get, (p, True)) for p in paths]))]
    return pages


def sink_admin_users(c):
    return [Page("admin_users", "/admin/users", c.get("/admin/users", True), ALL, "admin")]


def sink_admin_preview(c):
    def preview(n, v):
        r = c.admin.post("/admin/posts/new", preview_fields(v))
        assert r.status in (200, 400, 422), (n, r)
        return Page("admin_preview", f"POST /admin/posts/new preview (vector {n})", r.text, [n],
                    "admin")
    return c.fetch([(preview, (n, v)) for n, v in enumerate(VECTORS)])


def sink_email_form(c):
    def refused(n, v):
        path = f"/xss-corpus/v{n}/email/"
        r = c.srv.post_form(path, dict(to="not an address", name=v, email=v, note=v))
        assert r.status == 400, (n, r)
        return Page("email_form", f"POST {path}", r.text, [n], "public")
    return c.fetch([(refused, (n, v)) for n, v in enumerate(VECTORS)])


def sink_email_html(c):
    before = len(c.smtp.messages())
    sent = []
    for n, v in enumerate(VECTORS):
        path = f"/xss-corpus/v{n}/email/"
        for name, note in ((v, v), ("Ada Quill", v), ("Ada Quill", "")):
            r = c.srv.post_form(path, dict(to=f"r{n}@example.net", name=name, email="",
                                           note=note))
            if r.status == 303:
                sent.append(n)
                break
            assert r.status == 400, (n, r, r.text[:500])
        else:
            raise AssertionError(f"vector {n}: the article could not be sent with plain fields")
    msgs = c.smtp.wait_for(before + len(sent), timeout=60)
    assert len(msgs) == before + len(sent), f"{len(msgs) - before} of {len(sent)} emails arrived"
    pages = []
    for m in msgs[before:]:
        body = html_part(m["msg"])
        owner = re.search(r"/xss-corpus/v(\d+)/", body)
        assert owner, "an email names no corpus post"
        pages.append(Page("email_html", f"email to {m['rcpt']}", body, [int(owner.group(1))],
                          "print"))
    assert sorted(p.vectors[0] for p in pages) == sorted(sent)
    return pages


SINKS = {
    "article": sink_article,                      # titles, bodies, terms, authors, comments
    "comment_form_echo": sink_comment_form_echo,  # a refused comment's form shown again
    "print": sink_print,                          # PERMALINK/print/?comments=1
    "listings": sink_listings,                    # front page, category/tag/author archives
    "search_query": sink_search_query,            # /?s=VECTOR
    "search_results": sink_search_results,        # snippets and excerpts of every post
    "feeds": sink_feeds,                          # RSS and Atom: site, comments, posts, terms
    "admin_posts": sink_admin_posts,              # list, dashboard, editor of each post
    "admin_comments": sink_admin_comments,        # queues, editor of each comment
    "admin_users": sink_admin_users,              # imported authors' display names
    "admin_preview": sink_admin_preview,          # the editor's Markdown preview
    "email_form": sink_email_form,                # the email form shown again with its fields
    "email_html": sink_email_html,                # the HTML part of the article sent by email
}


def test_corpus_size():
    assert len(VECTORS) >= 100, f"only {len(VECTORS)} vectors in {VECTORS_FILE}"
    assert len(set(VECTORS)) == len(VECTORS), "a vector is listed twice"


@pytest.mark.parametrize("sink", list(SINKS))
def test_sink(corpus, sink):
    pages = SINKS[sink](corpus)
    covered = set()
    for p in pages:
        covered.update(p.vectors)
    assert covered == set(ALL), f"{sink}: vectors never shown: {sorted(set(ALL) - covered)[:20]}"
    results = [(page, vectors, f) for page in pages for vectors, f in check_page(page, corpus)]
    assert not results, report(sink, results)


def test_vectors_reached_the_pages(corpus):
    """The corpus is really there: every HTTP comment was stored, the hostile fields that
    gazette takes were kept, and a title, a name and a comment are shown as text."""
    assert len(corpus.accepted) == len(VECTORS)
    kept = sum(len(v) for v in corpus.accepted.values())
    assert kept >= 2 * len(VECTORS), f"only {kept} hostile fields were kept"
    v = VECTORS[0]
    assert v == f"<script>alert({FIRST_MARK})</script>", "the corpus should start with this"
    doc = parse(corpus.get("/xss-corpus/v0/"))
    assert [el.all_text() for el in doc.iter() if el.tag == "h1"] == [v]
    authors = [el.all_text() for el in doc.iter() if "comment-author" in el.attrs.get("class", "")]
    assert authors == [v], authors
    doc = parse(corpus.get(corpus.comment_posts[0]))
    comments = {el.attrs["id"]: el for el in doc.iter() if el.tag == "li"}
    first = [i for i, n in corpus.id_owner.items() if n == 0 and i in comments]
    assert len(first) == 1, "vector 0's comment is not on its post"
    assert v in comments[first[0]].all_text(), "vector 0's comment is not shown as text"
    for path in ("/category/xc0/", "/tag/xt0/", "/author/xa0/", "/?s=" + urllib.parse.quote(v)):
        doc = parse(corpus.get(path))
        assert [h for h in doc.iter() if h.tag == "h1" and v in h.all_text()], path
    doc = parse(corpus.get(f"/admin/posts/{BASE_ID}", admin=True))
    assert [el.attrs.get("value") for el in doc.iter() if el.attrs.get("id") == "title"] == [v]
    # the RSS <description>: HTML whose text is the excerpt (which holds the vector as text)
    item = ET.fromstring(corpus.get("/category/xc0/feed/").encode()).find("channel/item")
    assert v in parse(item.findtext("description"), fragment=True).all_text()


# ---------------------------------------------------------------------------------------------
# The checker's own test: each of these is flagged when put on a clean page


CLEAN_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>
<link rel="stylesheet" href="/theme/style.css"><style>p{color:red}</style>
<script type="application/ld+json">{"a":"\\u003c/script"}</script></head>
<body><p id="comment-1"><a href="https://example.com/" rel="nofollow">ok</a>
<a href="/x?javascript:1">relative</a><a href="mailto:a@example.com">m</a>
<img src="/i.png" alt="x">%s</p><script src="/theme/comments.js" defer></script></body></html>"""

BAD = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<a href='java&#x09;script:alert(1)'>x</a>",
    "<a href='&#x0A; JaVaScRiPt:alert(1)'>x</a>",
    "<a href='\x01javascript:alert(1)'>x</a>",
    "<a href='vbscript:msgbox(1)'>x</a>",
    "<a href='data:text/html,x'>x</a>",
    "<img src='data:image/png;base64,AAAA'>",
    "<img srcset='x.png, javascript:alert(1) 2x'>",
    "<form action=javascript:alert(1)></form>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<iframe src=https://example.com/></iframe>",
    "<object data=x></object>",
    "<embed src=x>",
    "<base href=https://evil.example/>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<style>*{x:expression(alert(1))}</style>",
    "<p style='background:url(javascript:alert(1))'>x</p>",
    "<p style='color:red'>x</p>",
    "<svg><a xlink:href='javascript:alert(1)'>x</a></svg>",
    "<math><mi>x</mi></math>",
    "<details open ontoggle=alert(1)>",
    "<textarea>x</textarea>",
    "<!-- injected -->",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<meta name=description content=x>",
    '<script type="application/ld+json">{"a":"</script><script>alert(1)</script>',
    '<script type="application/ld+json">not json</script>',
]


def test_checker_passes_a_clean_page():
    profile = Profile([CLEAN_PAGE % ""])
    assert [f.problem for f in check_html(CLEAN_PAGE % "", profile)] == []
    assert check_html("<p>&lt;script&gt;alert(1)&lt;/script&gt; <a href=\"http://x/\">a</a>"
                      "</p>", Profile(fragment=True), fragment=True) == []


@pytest.mark.parametrize("bad", BAD)
def test_checker_flags(bad):
    profile = Profile([CLEAN_PAGE % ""])
    found = check_html(CLEAN_PAGE % bad, profile)
    assert found, f"the checker missed {bad!r}"
    # and inside a feed entry's HTML
    assert check_html(bad, Profile(fragment=True), fragment=True), f"fragment: missed {bad!r}"


def test_checker_flags_raw_script_the_parser_missed():
    page = CLEAN_PAGE % "<textarea><script>alert(1)</script></textarea>"
    found = {f.problem for f in check_html(page, Profile([CLEAN_PAGE % ""]))}
    # html5lib reads it as the textarea's text; html.parser (the fallback) as a script
    assert any("raw text" in p for p in found) if html5lib else "script element" in found


def test_checker_traces_findings_to_vectors():
    f = check_html(CLEAN_PAGE % f"<img src=x onerror=alert({FIRST_MARK + 7})>",
                   Profile([CLEAN_PAGE % ""]))
    assert [x.marks for x in f] == [{7}]
    assert f[0].ids == ["comment-1"]


def test_feed_entries_are_checked_as_html():
    class Fake:
        profiles = {"fragment": Profile()}
        owners = Corpus.owners
        id_owner, path_owner = {}, {}
        link_owner = Corpus.link_owner
    rss = ('<?xml version="1.0"?><rss><channel><item><link>http://h/x/</link><description>'
           '&lt;img src=x onerror=alert(1)&gt;</description></item></channel></rss>')
    atom = ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="html">'
            '&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;</content></entry></feed>')
    for text in (rss, atom):
        assert check_page(Page("s", "/f", text, [0], None, "feed"), Fake()), text
    assert check_page(Page("s", "/f", "<rss><channel><item>", [0], None, "feed"), Fake())
    plain = atom.replace('type="html"', 'type="text"')
    assert check_page(Page("s", "/f", plain, [0], None, "feed"), Fake()) == []
