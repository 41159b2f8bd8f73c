#!/usr/bin/python3
"""wp_export.py: writes a WordPress export (WXR 1.2) shaped the way WordPress 6.x writes it, and
an "expected" JSON beside it that says what a faithful import must serve.

Usage: wp_export.py [--items N] [--seed S] --out FILE.xml [--expected FILE.json]

The export is of a multilingual blog in the America/New_York time zone whose permalinks are
/%year%/%monthnum%/%day%/%postname%/ (local date, as WordPress makes them). It has
  - posts and pages titled in many scripts (Arabic, Hebrew, Greek, Cyrillic, Chinese, Japanese,
    Korean, Thai, emoji, accented Latin, punctuation WordPress strips), their wp:post_name made
    by sanitize_title() below (a Python port of WordPress's sanitize_title_with_dashes and
    remove_accents, written from reading wp-includes/formatting.php), made unique the way
    wp_unique_post_slug() does (-2, -3, ...), so most non-Latin slugs are percent-encoded
    lowercase and some are cut at 200 bytes;
  - classic content with [caption], [gallery], [embed], [video], [audio], [playlist], bare
    YouTube URLs on their own line and unknown (plugin) shortcodes; block-editor content
    (<!-- wp:paragraph --> ... with images, quotes, lists, tables, code, separators, embeds);
    <p dir="rtl" lang="ar|he"> paragraphs; <!--more--> and <!--nextpage--> posts;
  - drafts without a slug, pending, private, future and trashed posts (post_name "…__trashed"),
    a sticky post, a password-protected post, _wp_old_slug and _wp_old_date meta;
  - nested pages (4 levels), categories nested 3 deep (and a name with "&"), tags, attachments
    as self-hosted WordPress writes them (attachment_url under /wp-content/uploads/,
    _wp_attached_file, _wp_attachment_image_alt, _wp_attachment_metadata with the sizes it made
    of a 1200x800 JPEG, post_parent, the attachment page under its parent's permalink), posts
    embedding them (<img class="size-medium wp-image-N" src="BASE/wp-content/uploads/Y/M/
    photo-N-300x200.jpg">) and featuring one (_thumbnail_id); a menu of nav_menu_items (_menu_item_* meta: pages, a category, a post, custom links) with
    a submenu;
  - comments of every wp:comment_approved value (1, 0, spam, trash, post-trashed), pingbacks and
    trackbacks, threads where a hidden (pending, spam, trash) comment has approved replies and
    approved comments follow it, replies dated before their parent, and one post with enough
    top-level comments for several comment pages;
  - evening posts (local date one day before the UTC date), and words in every script that
    appear in one post only, for search.
Everything is the generator's own words; it is the same for the same arguments (random.Random
(seed); no clock, no environment).

The expected JSON (computed here from the generator's own model, never from gazette) holds:
  site          title, tagline, language, url (the export's base URL), timezone
  authors       id, login, display_name, nicename (from the login, as WordPress derives it),
                archive (/author/NICENAME/), public_posts
  categories    term_id, name, slug (encoded), parent (slug), path (/category/a/b/c/),
                public_posts (in it directly)
  tags          term_id, name, slug, path (/tag/slug/), public_posts
  items         one per post and page: wp_id, type, status, public (published: must be served),
                title, slug, link (the <link> path), canonical (the path that must answer 200;
                lowercase percent-encoding), upper (the same with uppercase %XX, or null when the
                path has no escapes), old_paths (paths that must 301 to canonical), parent,
                date_local, date_gmt, day_archive (/Y/M/D/ of the local date), evening (local
                and UTC dates differ), author (login), categories and tags (paths), sticky,
                password, text (fragments the article's text must hold), captions (texts that
                must be in a <figcaption>), rtl (fragments that must sit inside dir="rtl"),
                embeds (URLs that must be links, not iframes), unknown_shortcodes ({name: n}),
                parts (for <!--nextpage--> posts: per page, the fragments it must hold), more
                ({"teaser", "rest"} or null), comments_shown (ids of the comments that must be
                shown: approved, of type comment, every ancestor approved), comments_optional
                (approved pingbacks and trackbacks with approved ancestors: may be shown),
                comments_hidden (every other comment id), top_level_shown, comments_open,
                comment_authors ({id: name} of the shown comments), modified_gmt,
                trashed_comments ({id: status before the post went to the trash}, from the
                _wp_trash_meta_comments_status meta) and restored_path (the path the post gets
                back from _wp_desired_post_slug) for trashed posts
  menus         slug, name, items (id, label, target: a canonical path or an absolute URL,
                parent: the menu item id or 0, order)
  counts        items_by_type, posts_by_status, pages_by_status, comments_by_approved,
                comments_by_type, public_posts, public_pages, comments_shown
  unknown_shortcodes  {name: number of items (posts of any status) using it, once each}
  search        [{query, wp_ids, script}]: the query must find exactly these items
  comment_pages_item  the wp_id of the post with many top-level comments
  front_more_item     the wp_id of the newest post (a <!--more--> post, first after the sticky)
  media         one per attachment: wp_id, file (under uploads), alt, parent (wp_id), page (its
                attachment page path, or null), sizes (the NAME-WxH files WordPress made)
  featured      {post wp_id: attachment wp_id} (_thumbnail_id)
  embedded      the uploads paths posts' <img> show ("2019/05/photo-12-300x200.jpg")
"""

import argparse
import datetime
import json
import random
import re
import sys
import urllib.parse

BASE = "https://blog.example.test"
TIMEZONE = "America/New_York"

# ---------------------------------------------------------------------------------------------
# WordPress's slug functions, ported from reading wp-includes/formatting.php (WordPress 6.x).

# remove_accents(), locale en_US: the accented Latin letters it maps (Latin-1 Supplement,
# Latin Extended-A, the comma-below letters of Extended-B, the euro and pound signs and the
# Vietnamese vowels). Letters not listed map to the base letter of their decomposition.
_ACCENT_SPECIAL = {
    "ª": "a", "º": "o", "Æ": "AE", "æ": "ae", "Ð": "D", "ð": "d", "Ø": "O", "ø": "o",
    "Þ": "TH", "þ": "th", "ß": "s", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i",
    "Ĳ": "IJ", "ĳ": "ij", "ĸ": "k", "Ŀ": "L", "ŀ": "l", "Ł": "L", "ł": "l", "ŉ": "n",
    "Ŋ": "N", "ŋ": "n", "Œ": "OE", "œ": "oe", "Ŧ": "T", "ŧ": "t", "ſ": "s", "€": "E",
    "£": "", "ɑ": "a", "Ơ": "O", "ơ": "o", "Ư": "U", "ư": "u",
}


def _accent_table():
    import unicodedata
    table = dict(_ACCENT_SPECIAL)
    ranges = [(0xC0, 0xFF), (0x100, 0x17F), (0x218, 0x21B), (0x1EA0, 0x1EF9)]
    for low, high in ranges:
        for cp in range(low, high + 1):
            ch = chr(cp)
            if ch in table or ch in ("×", "÷"):
                continue
            base = unicodedata.normalize("NFD", ch)[0]
            if base != ch and base.isascii():
                table[ch] = base
    return table


ACCENTS = _accent_table()


def remove_accents(text):
    if not re.search(r"[\x80-\U0010ffff]", text):
        return text
    return "".join(ACCENTS.get(ch, ch) for ch in text)


def utf8_uri_encode(text, length=0):
    """Non-ASCII characters as lowercase %xx octets; stops before the first character that
    would make the result longer than `length` (0: no limit)."""
    out = []
    used = 0
    for ch in text:
        if ord(ch) < 128:
            if length and used + 1 > length:
                break
            out.append(ch)
            used += 1
        else:
            octets = ch.encode("utf-8")
            if length and used + 3 * len(octets) > length:
                break
            out.append("".join("%%%02x" % b for b in octets))
            used += 3 * len(octets)
    return "".join(out)


_STRIP_SAVE = [
    "%c2%ad", "%c2%a1", "%c2%bf", "%c2%ab", "%c2%bb", "%e2%80%b9", "%e2%80%ba", "%e2%80%98",
    "%e2%80%99", "%e2%80%9c", "%e2%80%9d", "%e2%80%9a", "%e2%80%9b", "%e2%80%9e", "%e2%80%9f",
    "%e2%80%a2", "%c2%a9", "%c2%ae", "%c2%b0", "%e2%80%a6", "%e2%84%a2", "%c2%b4", "%cb%8a",
    "%cc%81", "%cd%81", "%cc%80", "%cc%84", "%cc%8c", "%e2%80%8b", "%e2%80%8c", "%e2%80%8d",
    "%e2%80%8e", "%e2%80%8f", "%e2%80%aa", "%e2%80%ab", "%e2%80%ac", "%e2%80%ad", "%e2%80%ae",
    "%ef%bb%bf",
]
_DASH_SAVE = [
    "%e2%80%80", "%e2%80%81", "%e2%80%82", "%e2%80%83", "%e2%80%84", "%e2%80%85", "%e2%80%86",
    "%e2%80%87", "%e2%80%88", "%e2%80%89", "%e2%80%8a", "%e2%80%a8", "%e2%80%a9", "%e2%80%af",
]


def sanitize_title_with_dashes(title, context="save"):
    title = re.sub(r"<[^>]*>", "", title)  # strip_tags (for the titles we write)
    title = re.sub(r"%([a-fA-F0-9][a-fA-F0-9])", r"---\1---", title)
    title = title.replace("%", "")
    title = re.sub(r"---([a-fA-F0-9][a-fA-F0-9])---", r"%\1", title)
    # seems_utf8() holds for every str: mb_strtolower, then encode (and cut at 200 bytes)
    title = utf8_uri_encode(title.lower(), 200)
    title = title.lower()
    if context == "save":
        for s in ("%c2%a0", "%e2%80%93", "%e2%80%94"):
            title = title.replace(s, "-")
        for s in ("&nbsp;", "&#160;", "&ndash;", "&#8211;", "&mdash;", "&#8212;"):
            title = title.replace(s, "-")
        title = title.replace("/", "-")
        for s in _STRIP_SAVE:
            title = title.replace(s, "")
        for s in _DASH_SAVE:
            title = title.replace(s, "-")
        title = title.replace("%c3%97", "x")
    title = re.sub(r"&.+?;", "", title)
    title = title.replace(".", "-")
    title = re.sub(r"[^%a-z0-9 _-]", "", title)
    title = re.sub(r"[ \t\n\r\f\v]+", "-", title)
    title = re.sub(r"-+", "-", title)
    return title.strip("-")


def sanitize_title(title, fallback=""):
    """sanitize_title($title, $fallback, 'save') with WordPress's default filter."""
    slug = sanitize_title_with_dashes(remove_accents(title), "save")
    return slug if slug else fallback


def truncate_slug(slug, length):
    """_truncate_post_slug(): cuts an (encoded) slug to `length` bytes, whole characters."""
    if len(slug) > length:
        decoded = urllib.parse.unquote(slug)
        if decoded == slug:
            slug = slug[:length]
        else:
            slug = utf8_uri_encode(decoded, length)
    return slug.rstrip("-")


FEEDS = ("feed", "rdf", "rss", "rss2", "atom")


def unique_slug(slug, taken, hierarchical=False):
    """wp_unique_post_slug(): `taken` is the set of slugs that would clash (same post type; for
    pages, same parent). Feed names and "embed" clash too, and for pages also slugs that look
    like a page number ("2019", "page3"). (A number is a fine post slug under
    /%year%/%monthnum%/%day%/%postname%/: it follows the day, not the year or month.)"""
    def clashes(s):
        return (s in taken or s in FEEDS or s == "embed"
                or (hierarchical and re.fullmatch(r"(page)?\d+", s)))
    if not clashes(slug):
        return slug
    suffix = 2
    while True:
        alt = truncate_slug(slug, 200 - (len(str(suffix)) + 1)) + "-%d" % suffix
        if not clashes(alt):
            return alt
        suffix += 1


def sanitize_user_strict(login):
    login = re.sub(r"<[^>]*>", "", login)
    login = remove_accents(login)
    login = re.sub(r"%([a-fA-F0-9][a-fA-F0-9])", "", login)
    login = re.sub(r"&.+?;", "", login)
    login = re.sub(r"[^a-z0-9 _.\-@]", "", login, flags=re.I)
    return re.sub(r"\s+", " ", login.strip())


def user_nicename(login):
    """wp_insert_user() without a nicename: sanitize_title() of the first 50 characters."""
    return sanitize_title(sanitize_user_strict(login[:50]))


# ---------------------------------------------------------------------------------------------
# America/New_York without a time zone database (US rules since 2007; our dates are later)


def _nth_sunday(year, month, n):
    d = datetime.date(year, month, 1)
    d += datetime.timedelta(days=(6 - d.weekday()) % 7)
    return d + datetime.timedelta(days=7 * (n - 1))


def ny_offset_hours(local):
    """UTC offset of a New York local datetime (-4 in daylight time, else -5). Local times in
    the skipped or repeated hour are never generated (see local_time)."""
    start = datetime.datetime.combine(_nth_sunday(local.year, 3, 2), datetime.time(2))
    end = datetime.datetime.combine(_nth_sunday(local.year, 11, 1), datetime.time(2))
    return -4 if start <= local < end else -5


def to_gmt(local):
    return local - datetime.timedelta(hours=ny_offset_hours(local))


def stamp(dt):
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def rfc822(gmt):
    return gmt.strftime("%a, %d %b %Y %H:%M:%S +0000")


# ---------------------------------------------------------------------------------------------
# Our own words

WORDS = {
    "arabic": ["مدينة", "صباح", "نهر", "حديقة", "كتاب", "بحر", "قمر", "مطر", "جسر"],
    "hebrew": ["עיר", "בוקר", "נהר", "גן", "ספר", "ים", "ירח", "גשם", "גשר"],
    "greek": ["πόλη", "πρωί", "ποτάμι", "κήπος", "βιβλίο", "θάλασσα", "φεγγάρι", "βροχή"],
    "cyrillic": ["місто", "ранок", "річка", "сад", "книга", "море", "місяць", "дощ", "міст"],
    "chinese": ["城市", "早晨", "河流", "花园", "书籍", "大海", "月亮", "下雨"],
    "japanese": ["東京", "朝", "川", "庭", "本", "海", "月", "さくら", "カメラ"],
    "korean": ["도시", "아침", "강", "정원", "책", "바다", "달", "비"],
    "thai": ["เมือง", "ตอนเช้า", "แม่น้ำ", "สวน", "หนังสือ", "ทะเล", "ดวงจันทร์", "ฝน"],
    "emoji": ["🌊", "☕", "📚", "🌙", "🎉", "🚲", "👩‍💻", "🇺🇦", "🙏🏽"],
    "latin": ["Café", "crème brûlée", "Ærøskøbing", "Łódź", "Straße", "Œuvre", "Ångström",
              "São Paulo", "Dvořák", "smørrebrød", "İstanbul", "Việt", "Ștefan", "naïve"],
    "english": ["harbour", "lantern", "meadow", "quarry", "orchard", "tide", "bridge",
                "market", "evening", "river", "garden", "winter", "letter", "window"],
}
NO_SPACES = {"chinese", "japanese", "thai"}
PUNCTUATION_TITLES = [
    "Don’t stop — “quoted” words", "Rock & Roll: a history", "3.5 reasons to stay",
    "50% of the river", "Q&A: why? how!", "A / B testing", "9×9 grid", "Ellipsis… and © ®",
    "non\u00a0breaking\u2003spaces", "Tabs\tand   spaces", "Soft\u00adhyphen and\u200bzero width",
    "feed", "2019", "page3",
]
RTL = {"arabic": "ar", "hebrew": "he"}

# Search fixtures: characters that no ordinary word above uses.
HAN_POOL = "鶴亀鷲鷹梟雉鴨鵜鷺燕雀鳩鴎鶯鵬麒麟鳳凰獅貘狸狐猿熊鹿"
THAI_POOL = ["กระ", "ปลา", "ขนุน", "มะพร้าว", "ทุเรียน", "จำปา", "ลำไย", "มังคุด"]
ARABIC_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهي"
HARAKAT = "\u064e\u064f\u0650\u0652"  # fatha, damma, kasra, sukun
HEBREW_LETTERS = "בגדהוזחטכלמנסעפצקרשת"
NIQQUD = "\u05b0\u05b4\u05b5\u05b7\u05b8\u05bc"

KNOWN_SHORTCODES = ("caption", "wp_caption", "gallery", "embed", "video", "audio", "playlist")
UNKNOWN_SHORTCODES = ("su_note", "pullquote_box", "contact-form-7")

MODIFIED_AFTER = datetime.timedelta(days=2, minutes=17)  # wp:post_modified after wp:post_date
STATUSES = ["publish"] * 40 + ["draft"] * 3 + ["pending", "private", "future", "trash"]


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def esc(text):
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def upper_escapes(path):
    if "%" not in path:
        return None
    return re.sub(r"%[0-9a-f]{2}", lambda m: m.group(0).upper(), path)


class Model:
    def __init__(self, items, seed):
        self.rng = random.Random(seed)
        self.size = items
        self.seed = seed
        self.next_id = 10
        self.next_comment = 1000
        self.marks = 0
        self.used_tokens = set()

    # -- helpers ------------------------------------------------------------------------------

    def new_id(self):
        self.next_id += self.rng.choice([1, 1, 2, 3])  # revisions and autosaves take ids too
        return self.next_id

    def mark(self, suffix=""):
        self.marks += 1
        return "wpmark%dq%s" % (self.marks, suffix)

    def words(self, script, n):
        pool = WORDS[script]
        ws = [self.rng.choice(pool) for _ in range(n)]
        return ("" if script in NO_SPACES else " ").join(ws)

    def title(self, script=None):
        r = self.rng.random()
        if r < 0.06 and script is None:
            return self.rng.choice(PUNCTUATION_TITLES)
        script = script or self.rng.choice(sorted(WORDS))
        t = self.words(script, self.rng.randint(1, 4))
        if script in ("english", "latin"):
            t = t[0].upper() + t[1:]
        if self.rng.random() < 0.3:
            t += " " + self.rng.choice(WORDS["emoji"])
        return t

    def long_title(self):
        return " ".join(self.rng.choice(WORDS["arabic"]) for _ in range(30))

    def local_time(self, year_low=2015, year_high=2024, evening=False):
        while True:
            d = datetime.date(year_low, 1, 1) + datetime.timedelta(
                days=self.rng.randrange((year_high - year_low + 1) * 365))
            hour = self.rng.randint(20, 23) if evening else self.rng.randint(4, 19)
            t = datetime.datetime(d.year, d.month, d.day, hour, self.rng.randrange(60),
                                  self.rng.randrange(60))
            # never in the hour skipped or repeated by a daylight-saving change
            if d in (_nth_sunday(d.year, 3, 2), _nth_sunday(d.year, 11, 1)) and hour < 4:
                continue
            return t

    def search_token(self, script):
        """(text, query): a word of `script` found in one item only. Han and Thai words sit
        inside a run of their script with no space around them, as those scripts are written;
        "han2" is searched by its first two characters (fewer than a trigram); Arabic and Hebrew
        words carry their vowel marks, the query has none."""
        while True:
            if script in ("han", "han2"):
                tok = "".join(self.rng.choice(HAN_POOL) for _ in range(4))
                bigrams = {tok[k:k + 2] for k in range(3)}
                if bigrams & self.used_tokens:
                    continue
                self.used_tokens |= bigrams
                query = tok[:2] if script == "han2" else tok
                run = "".join(self.rng.choice(WORDS["chinese"]) for _ in range(2))
                return run + tok + "".join(self.rng.choice(WORDS["chinese"]) for _ in range(2)), \
                    query
            if script == "thai":
                tok = "".join(self.rng.sample(THAI_POOL, 3))
                query = tok
                text = WORDS["thai"][0] + tok + WORDS["thai"][3]
            elif script == "arabic":
                letters = [self.rng.choice(ARABIC_LETTERS) for _ in range(5)]
                query = "".join(letters)
                text = "".join(ch + self.rng.choice(HARAKAT) for ch in letters)
            else:  # hebrew
                letters = [self.rng.choice(HEBREW_LETTERS) for _ in range(5)]
                query = "".join(letters)
                text = "".join(ch + self.rng.choice(NIQQUD) for ch in letters)
            if query not in self.used_tokens:
                self.used_tokens.add(query)
                return text, query


def build(items, seed):
    """The whole model: a dict the writer and the expected JSON are made from."""
    m = Model(items, seed)
    rng = m.rng

    authors = []
    for i, (login, name) in enumerate([
            ("j.doe", "Jane Doe"), ("o.brien-k", "Kate O’Brien"), ("dalia_h", "داليا حداد"),
            ("mykola", "Микола Шевченко"), ("sato@tokyo", "佐藤 花子"), ("admin", "Site Admin")]):
        authors.append(dict(id=i + 1, login=login, display_name=name,
                            nicename=user_nicename(login)))

    # Categories: three levels under each root, plus one more level under one of them.
    cat_names = [
        ("World", None), ("Європа", "World"), ("Київ", "Європа"), ("Поділ", "Київ"),
        ("Lisboa", "Європа"), ("الشرق الأوسط", "World"), ("القاهرة", "الشرق الأوسط"),
        ("Culture", None), ("書籍", "Culture"), ("詩", "書籍"), ("Música", "Culture"),
        ("Arts & Letters", "Culture"), ("Science", None), ("Διάστημα", "Science"),
        ("Κομήτες 🌠", "Διάστημα"), ("Uncategorized", None),
    ]
    categories = []
    by_name = {}
    taken = set()
    for n, (name, parent) in enumerate(cat_names):
        slug = unique_slug(sanitize_title(name), taken)
        taken.add(slug)
        c = dict(term_id=100 + n * 3, name=name, slug=slug,
                 parent=by_name[parent]["slug"] if parent else "", public_posts=0)
        parts = [slug]
        p = parent
        while p:
            parts.insert(0, by_name[p]["slug"])
            p = cat_names[[x[0] for x in cat_names].index(p)][1]
        c["path"] = "/category/" + "/".join(parts) + "/"
        categories.append(c)
        by_name[name] = c
    tags = []
    taken = set()
    for n, name in enumerate(["Harbour", "Місто", "مدينة", "東京", "ทะเล", "Café", "Festival 🎉",
                              "עיר", "Θάλασσα", "Tide"]):
        slug = unique_slug(sanitize_title(name), taken)
        taken.add(slug)
        tags.append(dict(term_id=300 + n * 2, name=name, slug=slug,
                         path="/tag/%s/" % slug, public_posts=0))

    posts = []
    attachments = []
    post_slugs = set()
    n_pages = max(8, items // 20)
    n_posts = items - n_pages

    # -- pages: a tree 4 levels deep ------------------------------------------------------------
    page_slugs = {}  # parent id -> set of slugs
    pages = []
    for i in range(n_pages):
        parent = 0
        if i >= 3:
            candidates = [p for p in pages if p["status"] == "publish" and p["depth"] < 4]
            parent = rng.choice(candidates)["wp_id"] if candidates and rng.random() < 0.7 else 0
        if i == 4:  # a chain root > a > b > c for the deep case
            parent = pages[3]["wp_id"]
        if i in (5, 6):
            parent = pages[i - 1]["wp_id"]
        status = "publish" if i < 7 or rng.random() < 0.9 else rng.choice(["draft", "private"])
        title = m.title()
        siblings = page_slugs.setdefault(parent, set())
        slug = unique_slug(sanitize_title(title, "untitled"), siblings, True) \
            if status != "draft" else ""
        if slug:
            siblings.add(slug)
        parent_page = next((p for p in pages if p["wp_id"] == parent), None)
        depth = parent_page["depth"] + 1 if parent_page else 1
        canonical = (parent_page["canonical"] if parent_page else "/") + slug + "/"
        local = m.local_time()
        page = new_item(m, "page", title, slug, status, local, rng.choice(authors)["login"])
        page.update(parent=parent, depth=depth, canonical=canonical if slug else None,
                    menu_order=i)
        fill_content(m, page, kind="classic")
        pages.append(page)

    # -- posts ----------------------------------------------------------------------------------
    for i in range(n_posts):
        status = rng.choice(STATUSES)
        if i < 40:
            status = "publish"
        title = m.long_title() if i == 7 else m.title()
        if 12 <= i < 12 + len(WORDS):  # every script at least once
            title = m.title(sorted(WORDS)[i - 12])
        evening = i % 9 == 4
        local = m.local_time(evening=evening)
        if status == "future":
            local = m.local_time(2031, 2033)
        slug = ""
        if status not in ("draft", "pending"):
            slug = unique_slug(sanitize_title(title, "untitled"), post_slugs)
            post_slugs.add(slug)
        author = rng.choice(authors)["login"]
        post = new_item(m, "post", title, slug, status, local, author)
        if status == "trash":
            post["trashed_from"] = slug
            post["slug"] = slug + "__trashed"
        post["canonical"] = ("/%04d/%02d/%02d/%s/" % (local.year, local.month, local.day, slug)
                             if slug else None)
        post["evening"] = evening
        kind = rng.choice(["classic", "classic", "blocks", "blocks", "shortcodes", "rtl",
                           "nextpage", "more"])
        if i < 8:
            kind = ["shortcodes", "blocks", "nextpage", "more", "rtl", "shortcodes",
                    "blocks", "classic"][i]
        fill_content(m, post, kind, attachments)
        cats = rng.sample(categories, rng.choice([1, 1, 2]))
        post["category_terms"] = cats
        post["tag_terms"] = rng.sample(tags, rng.choice([0, 1, 2]))
        posts.append(post)

    # The newest published post: a <!--more--> post right after the sticky one on the front page
    newest = max((p for p in posts if p["status"] == "publish"), key=lambda p: p["local"])
    front_local = newest["local"] + datetime.timedelta(days=3)
    front = posts[3]  # kind "more", published
    retime(front, front_local)
    sticky = posts[1]
    sticky["sticky"] = True

    # A password-protected post, and old slugs and old dates
    posts[10]["password"] = "harbour"
    olds = [p for p in posts[11:] if p["status"] == "publish"][:max(4, n_posts // 25)]
    for n, p in enumerate(olds):
        if n % 3 == 2:  # the date changed
            old = p["local"] - datetime.timedelta(days=40)
            p["meta"].append(("_wp_old_date", old.strftime("%Y-%m-%d")))
            p["old_paths"].append("/%04d/%02d/%02d/%s/" % (old.year, old.month, old.day,
                                                           p["slug"]))
        else:
            old_slug = unique_slug(sanitize_title("%s %s" % (m.title(), "old")), post_slugs)
            post_slugs.add(old_slug)  # never the slug of a live post
            p["meta"].append(("_wp_old_slug", old_slug))
            lt = p["local"]
            p["old_paths"].append("/%04d/%02d/%02d/%s/" % (lt.year, lt.month, lt.day, old_slug))

    # Search words: one item each
    search = []
    public_posts = [p for p in posts[12:] if p["status"] == "publish" and not p["password"]
                    and p["kind"] in ("classic", "blocks", "shortcodes", "rtl")]
    for n, script in enumerate(["han", "han2", "thai", "thai", "arabic", "hebrew"]):
        p = public_posts[n * 3]
        tok, query = m.search_token(script)
        p["extra_paragraphs"].append("%s %s" % (tok, m.words("english", 3)))
        search.append(dict(query=query, wp_ids=[p["wp_id"]], script=script))

    # -- comments -------------------------------------------------------------------------------
    commentable = [p for p in posts + pages if p["status"] in ("publish", "trash", "private")]
    big = posts[2] if posts[2]["kind"] != "nextpage" else posts[5]
    for p in commentable:
        n = rng.choice([0, 0, 1, 2, 3, 4, 6, 9])
        if p is big:
            make_comments(m, p, 0, top_level=130)
        else:
            make_comments(m, p, n)

    # -- menu -----------------------------------------------------------------------------------
    menu_items = []
    pub_pages = [p for p in pages if p["public"] and p["status"] == "publish"]
    deep_cat = next(c for c in categories if c["path"].count("/") == 5)
    pub_posts = [p for p in posts if p["status"] == "publish" and not p["password"]]

    def add_menu(label_title, mtype, obj, obj_id, url, parent, target):
        mid = m.new_id()
        menu_items.append(dict(id=mid, title=label_title, type=mtype, object=obj,
                               object_id=obj_id, url=url, parent=parent,
                               order=len(menu_items) + 1, target=target))
        return mid

    add_menu("Home", "custom", "custom", None, BASE + "/", 0, "/")
    top = add_menu("", "post_type", "page", pub_pages[0]["wp_id"], "", 0,
                   pub_pages[0]["canonical"])
    children = [p for p in pub_pages if p["parent"] == pub_pages[0]["wp_id"]][:3]
    for c in children:
        add_menu("", "post_type", "page", c["wp_id"], "", top, c["canonical"])
    add_menu("Ünsere Seite", "post_type", "page", pub_pages[1]["wp_id"], "", 0,
             pub_pages[1]["canonical"])
    add_menu("", "taxonomy", "category", deep_cat["term_id"], "", 0, deep_cat["path"])
    add_menu("", "post_type", "post", pub_posts[20]["wp_id"], "", 0, pub_posts[20]["canonical"])
    ext = add_menu("Elsewhere", "custom", "custom", None, "#", 0, "#")
    add_menu("WordPress", "custom", "custom", None, "https://wordpress.org/", ext,
             "https://wordpress.org/")
    titles = {p["wp_id"]: p["title"] for p in posts + pages}
    for mi in menu_items:
        if mi["title"]:
            mi["label"] = mi["title"]
        elif mi["object"] == "category":
            mi["label"] = deep_cat["name"]
        else:
            mi["label"] = titles[mi["object_id"]]

    # attachments get ids like everything else (already taken in fill_content)
    for p in posts:
        if p["status"] == "publish":
            for c in p["category_terms"]:
                c["public_posts"] += 1
            for t in p["tag_terms"]:
                t["public_posts"] += 1
    for a in authors:
        a["public_posts"] = sum(1 for p in posts if p["status"] == "publish"
                                and p["author"] == a["login"])
    return dict(authors=authors, categories=categories, tags=tags, pages=pages, posts=posts,
                attachments=attachments, menu=menu_items, search=search, big=big["wp_id"],
                front=front["wp_id"])


def new_item(m, ptype, title, slug, status, local, author):
    return dict(wp_id=m.new_id(), type=ptype, title=title, slug=slug, status=status,
                local=local, gmt=to_gmt(local), author=author, meta=[], old_paths=[],
                sticky=False, password="", parent=0, menu_order=0, comments=[],
                public=status == "publish", text=[], captions=[], rtl=[], embeds=[],
                unknown={}, parts=None, more=None, extra_paragraphs=[], kind="classic",
                category_terms=[], tag_terms=[], evening=False)


def retime(item, local):
    item["local"] = local
    item["gmt"] = to_gmt(local)
    item["canonical"] = "/%04d/%02d/%02d/%s/" % (local.year, local.month, local.day,
                                                 item["slug"])


def fill_content(m, item, kind, attachments=None):
    """Chooses the content of an item; records what a faithful rendering must show. The body
    itself is written later (write_body), when search words may have been added."""
    item["kind"] = kind
    rng = m.rng
    item["script"] = rng.choice(sorted(WORDS))
    body_mark = m.mark()
    item["text"].append(body_mark)
    item["body_mark"] = body_mark
    if kind == "shortcodes":
        att = []
        for _ in range(3):
            aid = m.new_id()
            att.append(aid)
            if attachments is not None:
                attachments.append(dict(wp_id=aid, parent=item["wp_id"], local=item["local"],
                                        name="photo-%d" % aid))
        cap = m.mark("c")
        item["captions"].append(cap)
        yt = "https://www.youtube.com/watch?v=%s" % "".join(
            rng.choice("abcdefghijkLMNOPQ0123456789_-") for _ in range(11))
        vimeo = "https://vimeo.com/%d" % rng.randint(10000000, 99999999)
        item["embeds"] += [yt, vimeo]
        unknown = rng.choice(UNKNOWN_SHORTCODES[:2])
        inner = m.mark("u")
        item["text"].append(inner)
        item["unknown"] = {unknown: 1, "contact-form-7": 1}
        item["shortcodes"] = dict(att=att, cap=cap, yt=yt, vimeo=vimeo, unknown=unknown,
                                  inner=inner)
    elif kind == "rtl":
        script = rng.choice(sorted(RTL))
        frag = m.mark("r")
        item["rtl"].append(frag)
        item["rtl_script"] = script
    elif kind == "nextpage":
        parts = [m.mark("p%d" % (k + 1)) for k in range(rng.randint(2, 3))]
        item["parts"] = [[p] for p in parts]
    elif kind == "more":
        item["more"] = dict(teaser=m.mark("t"), rest=m.mark("r"))
        item["text"] += [item["more"]["teaser"], item["more"]["rest"]]
    elif kind == "blocks":
        item["blocks_marks"] = dict(quote=m.mark("q"), cell=m.mark("td"), code=m.mark("k"),
                                    cap=m.mark("c"))
        item["captions"].append(item["blocks_marks"]["cap"])
        item["text"] += [item["blocks_marks"]["quote"], item["blocks_marks"]["cell"],
                         item["blocks_marks"]["code"]]
        yt = "https://www.youtube.com/watch?v=%s" % "".join(
            rng.choice("abcdefghijkLMNOPQ0123456789_-") for _ in range(11))
        item["embeds"].append(yt)
        item["blocks_yt"] = yt
        item["blocks_img"] = m.new_id()
        if attachments is not None:
            attachments.append(dict(wp_id=item["blocks_img"], parent=item["wp_id"],
                                    local=item["local"], name="block-%d" % item["blocks_img"]))


def paragraph(m, item):
    return "%s %s." % (m.words(item["script"], m.rng.randint(3, 9)),
                       m.words("english", m.rng.randint(2, 5)))


def write_body(m, item):
    rng = m.rng
    kind = item["kind"]
    paras = [paragraph(m, item) + " " + item["body_mark"]]
    paras += [paragraph(m, item) for _ in range(rng.randint(1, 3))]
    paras += item["extra_paragraphs"]
    if kind == "classic" or kind == "rtl":
        out = "\n\n".join(paras)
        if kind == "rtl":
            lang = RTL[item["rtl_script"]]
            out += '\n\n<p dir="rtl" lang="%s">%s %s</p>' % (
                lang, m.words(item["rtl_script"], 6), item["rtl"][0])
        return out
    if kind == "shortcodes":
        s = item["shortcodes"]
        a0 = s["att"][0]
        img = ('<img class="size-medium wp-image-%d" src="%s/wp-content/uploads/%04d/%02d/'
               'photo-%d-300x200.jpg" alt="%s" width="300" height="200" />' % (
                   a0, BASE, item["local"].year, item["local"].month, a0,
                   m.words("english", 2)))
        parts = [
            paras[0],
            '[caption id="attachment_%d" align="alignright" width="300"]%s %s %s[/caption]'
            % (a0, img, m.words(item["script"], 3), s["cap"]),
            "\n\n".join(paras[1:]),
            '[gallery columns="3" ids="%s"]' % ",".join(str(a) for a in s["att"]),
            s["yt"],
            "[embed]%s[/embed]" % s["vimeo"],
            '[video width="640" height="360" mp4="%s/wp-content/uploads/clip-%d.mp4"][/video]'
            % (BASE, item["wp_id"]),
            '[audio mp3="%s/wp-content/uploads/song-%d.mp3"][/audio]' % (BASE, item["wp_id"]),
            '[playlist ids="%d,%d"]' % (s["att"][1], s["att"][2]),
            '[%s title="%s"]%s %s[/%s]' % (s["unknown"], m.words("english", 2),
                                           m.words(item["script"], 3), s["inner"],
                                           s["unknown"]),
            '[contact-form-7 id="%d" title="Contact"]' % rng.randint(10, 99),
        ]
        return "\n\n".join(parts)
    if kind == "nextpage":
        chunks = []
        for k, part in enumerate(item["parts"]):
            chunk = paragraph(m, item) + " " + part[0]
            if k == 0:
                chunk = "\n\n".join(paras) + "\n\n" + chunk
            chunks.append(chunk)
        return "\n\n<!--nextpage-->\n\n".join(chunks)
    if kind == "more":
        return ("%s %s\n\n<!--more-->\n\n%s %s\n\n%s" % (
            paragraph(m, item), item["more"]["teaser"], paragraph(m, item),
            item["more"]["rest"], "\n\n".join(paras)))
    # blocks
    b = item["blocks_marks"]
    blocks = []
    for p in paras:
        blocks.append("<!-- wp:paragraph -->\n<p>%s</p>\n<!-- /wp:paragraph -->" % p)
    blocks.insert(1, '<!-- wp:heading -->\n<h2 class="wp-block-heading">%s</h2>\n'
                     '<!-- /wp:heading -->' % m.words(item["script"], 3))
    aid = item["blocks_img"]
    blocks.append(
        '<!-- wp:image {"id":%d,"sizeSlug":"large","linkDestination":"none","align":"center"}'
        ' -->\n<figure class="wp-block-image aligncenter size-large"><img src="%s/wp-content/'
        'uploads/%04d/%02d/block-%d.jpg" alt="" class="wp-image-%d"/><figcaption class="wp-'
        'element-caption">%s</figcaption></figure>\n<!-- /wp:image -->' % (
            aid, BASE, item["local"].year, item["local"].month, aid, aid, b["cap"]))
    blocks.append(
        '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><!-- wp:paragraph -->\n<p>%s %s'
        '</p>\n<!-- /wp:paragraph --><cite>%s</cite></blockquote>\n<!-- /wp:quote -->' % (
            m.words(item["script"], 4), b["quote"], m.words("english", 2)))
    blocks.append(
        '<!-- wp:list -->\n<ul><!-- wp:list-item -->\n<li>%s</li>\n<!-- /wp:list-item -->'
        '<!-- wp:list-item -->\n<li>%s</li>\n<!-- /wp:list-item --></ul>\n<!-- /wp:list -->'
        % (m.words("english", 2), m.words(item["script"], 2)))
    blocks.append('<!-- wp:separator -->\n<hr class="wp-block-separator has-alpha-channel-'
                  'opacity"/>\n<!-- /wp:separator -->')
    blocks.append(
        '<!-- wp:table -->\n<figure class="wp-block-table"><table><tbody><tr><td>%s</td><td>%s'
        '</td></tr></tbody></table></figure>\n<!-- /wp:table -->' % (
            b["cell"], m.words(item["script"], 1)))
    blocks.append('<!-- wp:code -->\n<pre class="wp-block-code"><code>x = 1; // %s</code>'
                  '</pre>\n<!-- /wp:code -->' % b["code"])
    blocks.append(
        '<!-- wp:embed {"url":"%s","type":"video","providerNameSlug":"youtube","responsive":'
        'true,"className":"wp-embed-aspect-16-9 wp-has-aspect-ratio"} -->\n<figure class="wp-'
        'block-embed is-type-video is-provider-youtube wp-block-embed-youtube wp-embed-aspect-'
        '16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">\n%s\n</div></figure>\n'
        '<!-- /wp:embed -->' % (item["blocks_yt"], item["blocks_yt"]))
    blocks.append("<!-- wp:spacer {\"height\":\"40px\"} -->\n<div style=\"height:40px\" aria-"
                  "hidden=\"true\" class=\"wp-block-spacer\"></div>\n<!-- /wp:spacer -->")
    blocks.append("<!-- wp:latest-posts /-->")
    return "\n\n".join(blocks)


def make_comments(m, item, n, top_level=0):
    """Threads on one item. With top_level, that many approved top-level comments first (the
    comment pages case), then replies."""
    rng = m.rng
    comments = item["comments"]
    trashed_post = item["status"] == "trash"

    def add(parent, approved, ctype="comment", before_parent=False):
        m.next_comment += rng.choice([1, 1, 1, 2])
        cid = m.next_comment
        base = item["local"] + datetime.timedelta(hours=rng.randint(1, 24 * 60))
        if parent:
            p = next(c for c in comments if c["id"] == parent)
            delta = datetime.timedelta(minutes=rng.randint(5, 60 * 24 * 5))
            base = p["local"] - delta if before_parent else p["local"] + delta
        original = approved
        if trashed_post:  # wp_trash_post_comments(): the status is kept in the post's meta
            approved = "post-trashed"
        comments.append(dict(id=cid, parent=parent, approved=approved, original=original,
                             type=ctype,
                             local=base, author=rng.choice(["Olena", "Youssef", "Inés", "Marc",
                                                            "Ніна", "سارة", "美咲", "Ωρίων"])
                             + " %d" % cid))
        return cid

    for _ in range(top_level):
        add(0, "1")
    if top_level:
        tops = [c["id"] for c in comments]
        for _ in range(top_level // 3):
            add(rng.choice(tops), rng.choice(["1", "1", "1", "0"]))
    if n == 0:
        return
    statuses = ["1"] * 8 + ["0", "spam", "trash"]
    # A thread with a hidden comment that has approved replies, and an approved comment after
    if n >= 3:
        root = add(0, "1")
        hidden = add(root, rng.choice(["0", "spam", "trash"]))
        add(hidden, "1")
        add(root, "1")
        n -= 3
    for k in range(n):
        roll = rng.random()
        if roll < 0.08:
            add(0, "1", rng.choice(["pingback", "trackback"]))
            continue
        ctype = "comment" if rng.random() < 0.8 else ""  # older WordPress wrote an empty type
        parents = [c["id"] for c in comments if c["type"] in ("comment", "")]
        parent = rng.choice(parents) if parents and rng.random() < 0.5 else 0
        add(parent, rng.choice(statuses), ctype, before_parent=bool(parent) and roll > 0.93)


def expected_comments(item):
    by_id = {c["id"]: c for c in item["comments"]}

    def visible_chain(c):
        while c:
            if c["approved"] != "1":
                return False
            c = by_id.get(c["parent"])
        return True

    shown, optional, hidden = [], [], []
    for c in item["comments"]:
        ok = visible_chain(c) and item["public"] and not item["password"]
        if ok and c["type"] in ("comment", ""):
            shown.append(c["id"])
        elif ok:
            optional.append(c["id"])
        else:
            hidden.append(c["id"])
    top = sum(1 for cid in shown if by_id[cid]["parent"] == 0)
    return shown, optional, hidden, top


# ---------------------------------------------------------------------------------------------
# The writer


def write(model, out):
    m = model["m"]
    lines = []
    emit = lines.append
    emit('<?xml version="1.0" encoding="UTF-8" ?>')
    emit("<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your "
         "site. -->")
    emit("<!-- (written by tests/gen/wp_export.py, seed %d, %d items) -->" % (m.seed, m.size))
    emit('\t<!-- generator="WordPress/6.4.3" created="2024-02-08 06:55" -->')
    emit('<rss version="2.0"\n\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
         '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
         '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
         '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
         '\txmlns:wp="http://wordpress.org/export/1.2/"\n>')
    emit("")
    emit("<channel>")
    site = model["site"]
    emit("\t<title>%s</title>" % esc(site["title"]))
    emit("\t<link>%s</link>" % BASE)
    emit("\t<description>%s</description>" % esc(site["tagline"]))
    emit("\t<pubDate>Thu, 08 Feb 2024 06:55:31 +0000</pubDate>")
    emit("\t<language>%s</language>" % site["language"])
    emit("\t<wp:wxr_version>1.2</wp:wxr_version>")
    emit("\t<wp:base_site_url>%s</wp:base_site_url>" % BASE)
    emit("\t<wp:base_blog_url>%s</wp:base_blog_url>" % BASE)
    emit("")
    for a in model["authors"]:
        first, _, last = a["display_name"].partition(" ")
        emit("\t\t<wp:author><wp:author_id>%d</wp:author_id><wp:author_login>%s"
             "</wp:author_login><wp:author_email>%s</wp:author_email><wp:author_display_name>"
             "%s</wp:author_display_name><wp:author_first_name>%s</wp:author_first_name>"
             "<wp:author_last_name>%s</wp:author_last_name></wp:author>" % (
                 a["id"], cdata(a["login"]), cdata(re.sub(r"[^a-z0-9.]", "", a["login"]) +
                                                   "@example.invalid"),
                 cdata(a["display_name"]), cdata(first), cdata(last)))
    emit("")
    for c in model["categories"]:
        emit("\t<wp:category>\n\t\t<wp:term_id>%d</wp:term_id>\n\t\t<wp:category_nicename>%s"
             "</wp:category_nicename>\n\t\t<wp:category_parent>%s</wp:category_parent>\n"
             "\t\t<wp:cat_name>%s</wp:cat_name>\n\t</wp:category>" % (
                 c["term_id"], cdata(c["slug"]), cdata(c["parent"]), cdata(c["name"])))
    for t in model["tags"]:
        emit("\t<wp:tag>\n\t\t<wp:term_id>%d</wp:term_id>\n\t\t<wp:tag_slug>%s</wp:tag_slug>\n"
             "\t\t<wp:tag_name>%s</wp:tag_name>\n\t</wp:tag>" % (
                 t["term_id"], cdata(t["slug"]), cdata(t["name"])))
    emit("\t<wp:term>\n\t\t<wp:term_id>900</wp:term_id>\n\t\t<wp:term_taxonomy>%s"
         "</wp:term_taxonomy>\n\t\t<wp:term_slug>%s</wp:term_slug>\n\t\t<wp:term_parent>%s"
         "</wp:term_parent>\n\t\t<wp:term_name>%s</wp:term_name>\n\t</wp:term>" % (
             cdata("nav_menu"), cdata("main-menu"), cdata(""), cdata("Main menu")))
    emit("")
    emit("\t<generator>https://wordpress.org/?v=6.4.3</generator>")
    emit("")

    for item in model["pages"] + model["posts"]:
        write_item(emit, item, model)
    items_by_id = {i["wp_id"]: i for i in model["pages"] + model["posts"]}
    for a in model["attachments"]:
        write_attachment(emit, a, items_by_id)
    for mi in model["menu"]:
        write_menu_item(emit, mi)
    emit("</channel>")
    emit("</rss>")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines))
        f.write("\n")


def php_serialize_statuses(pairs):
    """PHP's serialize() of an array comment id => status string, as WordPress stores it."""
    body = "".join('i:%d;s:%d:"%s";' % (cid, len(v.encode("utf-8")), v) for cid, v in pairs)
    return "a:%d:{%s}" % (len(pairs), body)


def comments_open(item):
    return item["wp_id"] % 5 != 0


def item_link(item):
    if item["status"] in ("draft", "pending") or not item["slug"]:
        return "%s/?%s=%d" % (BASE, "page_id" if item["type"] == "page" else "p",
                              item["wp_id"])
    if item["status"] == "trash":
        lt = item["local"]
        return "%s/%04d/%02d/%02d/%s/" % (BASE, lt.year, lt.month, lt.day, item["slug"])
    return BASE + item["canonical"]


def write_item(emit, item, model):
    modified = item["local"] + MODIFIED_AFTER
    emit("\t<item>")
    emit("\t\t<title><![CDATA[%s]]></title>" % item["title"].replace("]]>", "]]]]><![CDATA[>"))
    emit("\t\t<link>%s</link>" % esc(item_link(item)))
    emit("\t\t<pubDate>%s</pubDate>" % rfc822(item["gmt"]))
    emit("\t\t<dc:creator>%s</dc:creator>" % cdata(item["author"]))
    emit('\t\t<guid isPermaLink="false">%s/?%s=%d</guid>' % (
        BASE, "page_id" if item["type"] == "page" else "p", item["wp_id"]))
    emit("\t\t<description></description>")
    emit("\t\t<content:encoded>%s</content:encoded>" % cdata(item["body"]))
    emit("\t\t<excerpt:encoded>%s</excerpt:encoded>" % cdata(""))
    emit("\t\t<wp:post_id>%d</wp:post_id>" % item["wp_id"])
    draft = item["status"] in ("draft", "pending")
    emit("\t\t<wp:post_date>%s</wp:post_date>" % cdata(stamp(item["local"])))
    emit("\t\t<wp:post_date_gmt>%s</wp:post_date_gmt>" % cdata(
        "0000-00-00 00:00:00" if draft else stamp(item["gmt"])))
    emit("\t\t<wp:post_modified>%s</wp:post_modified>" % cdata(stamp(modified)))
    emit("\t\t<wp:post_modified_gmt>%s</wp:post_modified_gmt>" % cdata(
        stamp(to_gmt(modified))))
    emit("\t\t<wp:comment_status>%s</wp:comment_status>" % cdata(
        "open" if comments_open(item) else "closed"))
    emit("\t\t<wp:ping_status>%s</wp:ping_status>" % cdata("open"))
    emit("\t\t<wp:post_name>%s</wp:post_name>" % cdata(item["slug"]))
    emit("\t\t<wp:status>%s</wp:status>" % cdata(item["status"]))
    emit("\t\t<wp:post_parent>%d</wp:post_parent>" % item["parent"])
    emit("\t\t<wp:menu_order>%d</wp:menu_order>" % item["menu_order"])
    emit("\t\t<wp:post_type>%s</wp:post_type>" % cdata(item["type"]))
    emit("\t\t<wp:post_password>%s</wp:post_password>" % cdata(item["password"]))
    emit("\t\t<wp:is_sticky>%d</wp:is_sticky>" % (1 if item["sticky"] else 0))
    for c in item["category_terms"]:
        emit('\t\t<category domain="category" nicename="%s">%s</category>' % (
            esc(c["slug"]), cdata(c["name"])))
    for t in item["tag_terms"]:
        emit('\t\t<category domain="post_tag" nicename="%s">%s</category>' % (
            esc(t["slug"]), cdata(t["name"])))
    meta = [("_edit_last", "1")] + item["meta"]
    if item["status"] == "trash":
        meta += [("_wp_trash_meta_status", "publish"), ("_wp_trash_meta_time", "1700000000"),
                 ("_wp_desired_post_slug", item["trashed_from"])]
        if item["comments"]:
            meta.append(("_wp_trash_meta_comments_status", php_serialize_statuses(
                [(c["id"], c["original"]) for c in item["comments"]])))
    if item["type"] == "page":
        meta.append(("_wp_page_template", "default"))
    for k, v in meta:
        emit("\t\t<wp:postmeta>\n\t\t\t<wp:meta_key>%s</wp:meta_key>\n\t\t\t<wp:meta_value>%s"
             "</wp:meta_value>\n\t\t</wp:postmeta>" % (cdata(k), cdata(v)))
    for c in item["comments"]:
        emit("\t\t<wp:comment>")
        emit("\t\t\t<wp:comment_id>%d</wp:comment_id>" % c["id"])
        emit("\t\t\t<wp:comment_author>%s</wp:comment_author>" % cdata(c["author"]))
        emit("\t\t\t<wp:comment_author_email>%s</wp:comment_author_email>" % cdata(
            "reader%d@example.invalid" % c["id"]))
        emit("\t\t\t<wp:comment_author_url>%s</wp:comment_author_url>" % (
            "https://example.invalid/%d" % c["id"] if c["type"] in ("pingback", "trackback")
            else ""))
        emit("\t\t\t<wp:comment_author_IP>%s</wp:comment_author_IP>" % cdata(
            "192.0.2.%d" % (c["id"] % 250)))
        emit("\t\t\t<wp:comment_date>%s</wp:comment_date>" % cdata(stamp(c["local"])))
        emit("\t\t\t<wp:comment_date_gmt>%s</wp:comment_date_gmt>" % cdata(
            stamp(to_gmt(c["local"]))))
        emit("\t\t\t<wp:comment_content>%s</wp:comment_content>" % cdata(c["content"]))
        emit("\t\t\t<wp:comment_approved>%s</wp:comment_approved>" % cdata(c["approved"]))
        emit("\t\t\t<wp:comment_type>%s</wp:comment_type>" % cdata(c["type"]))
        emit("\t\t\t<wp:comment_parent>%d</wp:comment_parent>" % c["parent"])
        emit("\t\t\t<wp:comment_user_id>0</wp:comment_user_id>")
        emit("\t\t</wp:comment>")
    emit("\t</item>")


# The sizes WordPress 6 makes of a 1200x800 JPEG (thumbnail cropped, the others fitted).
ATTACHMENT_SIZES = [("thumbnail", 150, 150), ("medium", 300, 200), ("medium_large", 768, 512),
                    ("large", 1024, 683)]


def attachment_file(a):
    lt = a["local"]
    return "%04d/%02d/%s.jpg" % (lt.year, lt.month, a["name"])


def attachment_page(a, items_by_id):
    """get_attachment_link() with pretty permalinks: under a published parent's permalink,
    else none of its own (?attachment_id=N)."""
    parent = items_by_id.get(a["parent"])
    if parent and parent["public"] and parent["canonical"] and not parent["password"]:
        return parent["canonical"] + a["name"] + "/"
    return None


def php_string(text):
    return 's:%d:"%s";' % (len(text.encode("utf-8")), text)


def attachment_metadata(a):
    """_wp_attachment_metadata as wp_generate_attachment_metadata() stores it (serialize())."""
    name = a["name"]
    sizes = "".join(
        php_string(size) + "a:4:{" + php_string("file") + php_string(
            "%s-%dx%d.jpg" % (name, w, h)) + php_string("width") + "i:%d;" % w +
        php_string("height") + "i:%d;" % h + php_string("mime-type") + php_string(
            "image/jpeg") + "}" for size, w, h in ATTACHMENT_SIZES)
    return ("a:5:{" + php_string("width") + "i:1200;" + php_string("height") + "i:800;" +
            php_string("file") + php_string(attachment_file(a)) + php_string("filesize") +
            "i:%d;" % (60000 + a["wp_id"]) + php_string("sizes") +
            "a:%d:{%s}}" % (len(ATTACHMENT_SIZES), sizes))


def write_attachment(emit, a, items_by_id):
    lt = a["local"]
    url = "%s/wp-content/uploads/%s" % (BASE, attachment_file(a))
    page = attachment_page(a, items_by_id)
    emit("\t<item>")
    emit("\t\t<title><![CDATA[%s]]></title>" % a["name"])
    emit("\t\t<link>%s</link>" % (BASE + page if page else "%s/?attachment_id=%d" % (
        BASE, a["wp_id"])))
    emit("\t\t<pubDate>%s</pubDate>" % rfc822(to_gmt(lt)))
    emit("\t\t<dc:creator>%s</dc:creator>" % cdata("admin"))
    emit('\t\t<guid isPermaLink="false">%s</guid>' % url)
    emit("\t\t<description></description>")
    emit("\t\t<content:encoded>%s</content:encoded>" % cdata(""))
    emit("\t\t<excerpt:encoded>%s</excerpt:encoded>" % cdata(""))
    emit("\t\t<wp:post_id>%d</wp:post_id>" % a["wp_id"])
    emit("\t\t<wp:post_date>%s</wp:post_date>" % cdata(stamp(lt)))
    emit("\t\t<wp:post_date_gmt>%s</wp:post_date_gmt>" % cdata(stamp(to_gmt(lt))))
    emit("\t\t<wp:comment_status>%s</wp:comment_status>" % cdata("open"))
    emit("\t\t<wp:ping_status>%s</wp:ping_status>" % cdata("closed"))
    emit("\t\t<wp:post_name>%s</wp:post_name>" % cdata(a["name"]))
    emit("\t\t<wp:status>%s</wp:status>" % cdata("inherit"))
    emit("\t\t<wp:post_parent>%d</wp:post_parent>" % a["parent"])
    emit("\t\t<wp:menu_order>0</wp:menu_order>")
    emit("\t\t<wp:post_type>%s</wp:post_type>" % cdata("attachment"))
    emit("\t\t<wp:post_password>%s</wp:post_password>" % cdata(""))
    emit("\t\t<wp:is_sticky>0</wp:is_sticky>")
    emit("\t\t<wp:attachment_url>%s</wp:attachment_url>" % cdata(url))
    for key, value in [("_wp_attached_file", attachment_file(a)),
                       ("_wp_attachment_metadata", attachment_metadata(a)),
                       ("_wp_attachment_image_alt", attachment_alt(a))]:
        emit("\t\t<wp:postmeta>\n\t\t\t<wp:meta_key>%s</wp:meta_key>\n\t\t\t<wp:meta_value>"
             "%s</wp:meta_value>\n\t\t</wp:postmeta>" % (cdata(key), cdata(value)))
    emit("\t</item>")


def attachment_alt(a):
    return "Alt text of %s" % a["name"]


def write_menu_item(emit, mi):
    emit("\t<item>")
    emit("\t\t<title>%s</title>" % cdata(mi["title"]))
    emit("\t\t<link>%s/?p=%d</link>" % (BASE, mi["id"]))
    emit("\t\t<pubDate>Mon, 01 Jan 2024 12:00:00 +0000</pubDate>")
    emit("\t\t<dc:creator>%s</dc:creator>" % cdata("admin"))
    emit('\t\t<guid isPermaLink="false">%s/?p=%d</guid>' % (BASE, mi["id"]))
    emit("\t\t<description></description>")
    emit("\t\t<content:encoded>%s</content:encoded>" % cdata(""))
    emit("\t\t<excerpt:encoded>%s</excerpt:encoded>" % cdata(""))
    emit("\t\t<wp:post_id>%d</wp:post_id>" % mi["id"])
    emit("\t\t<wp:post_date>%s</wp:post_date>" % cdata("2024-01-01 07:00:00"))
    emit("\t\t<wp:post_date_gmt>%s</wp:post_date_gmt>" % cdata("2024-01-01 12:00:00"))
    emit("\t\t<wp:comment_status>%s</wp:comment_status>" % cdata("closed"))
    emit("\t\t<wp:ping_status>%s</wp:ping_status>" % cdata("closed"))
    emit("\t\t<wp:post_name>%s</wp:post_name>" % cdata(str(mi["id"])))
    emit("\t\t<wp:status>%s</wp:status>" % cdata("publish"))
    emit("\t\t<wp:post_parent>0</wp:post_parent>")
    emit("\t\t<wp:menu_order>%d</wp:menu_order>" % mi["order"])
    emit("\t\t<wp:post_type>%s</wp:post_type>" % cdata("nav_menu_item"))
    emit("\t\t<wp:post_password>%s</wp:post_password>" % cdata(""))
    emit("\t\t<wp:is_sticky>0</wp:is_sticky>")
    emit('\t\t<category domain="nav_menu" nicename="main-menu">%s</category>' % cdata(
        "Main menu"))
    meta = [("_menu_item_type", mi["type"]), ("_menu_item_menu_item_parent", str(mi["parent"])),
            ("_menu_item_object_id", str(mi["object_id"] or mi["id"])),
            ("_menu_item_object", mi["object"]), ("_menu_item_target", ""),
            ("_menu_item_classes", 'a:1:{i:0;s:0:"";}'), ("_menu_item_xfn", ""),
            ("_menu_item_url", mi["url"])]
    for k, v in meta:
        emit("\t\t<wp:postmeta>\n\t\t\t<wp:meta_key>%s</wp:meta_key>\n\t\t\t<wp:meta_value>%s"
             "</wp:meta_value>\n\t\t</wp:postmeta>" % (cdata(k), cdata(v)))
    emit("\t</item>")


# ---------------------------------------------------------------------------------------------


def generate(items, seed, out):
    model = build(items, seed)
    m = Model(items, seed)  # the writer's own stream, so bodies do not shift the model
    model["m"] = m
    model["site"] = dict(title="Dispatches 🌍 from the Harbour & the Hills",
                         tagline="Notes in many scripts — حكايات، 故事, історії",
                         language="uk", url=BASE, timezone=TIMEZONE)
    for item in model["pages"] + model["posts"]:
        # the featured image: the first picture of a post that has some (no randomness used)
        if item["kind"] == "shortcodes":
            item["featured"] = item["shortcodes"]["att"][0]
        elif item["kind"] == "blocks":
            item["featured"] = item["blocks_img"]
        if item.get("featured"):
            item["meta"].append(("_thumbnail_id", str(item["featured"])))
        item["body"] = write_body(m, item)
        for c in item["comments"]:
            c["content"] = "<p>%s %s</p>" % (m.words(m.rng.choice(sorted(WORDS)), 5),
                                             "c%d" % c["id"])
    write(model, out)
    return expected(model)


def expected(model):
    items = []
    counts = dict(items_by_type={}, posts_by_status={}, pages_by_status={},
                  comments_by_approved={}, comments_by_type={})

    def bump(d, k):
        d[k] = d.get(k, 0) + 1

    unknown = {}
    shown_total = 0
    for item in model["pages"] + model["posts"]:
        bump(counts["items_by_type"], item["type"])
        bump(counts["posts_by_status" if item["type"] == "post" else "pages_by_status"],
             item["status"])
        for c in item["comments"]:
            bump(counts["comments_by_approved"], c["approved"])
            bump(counts["comments_by_type"], c["type"] or "comment")
        shown, optional, hidden, top = expected_comments(item)
        shown_total += len(shown)
        lt = item["local"]
        for name, n in item["unknown"].items():
            unknown[name] = unknown.get(name, 0) + n
        items.append(dict(
            wp_id=item["wp_id"], type=item["type"], status=item["status"],
            public=item["public"], title=item["title"], slug=item["slug"],
            link=urllib.parse.urlsplit(item_link(item)).path or "/",
            canonical=item["canonical"] if item["public"] else None,
            upper=upper_escapes(item["canonical"]) if item["public"] and item["canonical"]
            else None,
            old_paths=item["old_paths"], parent=item["parent"],
            date_local=stamp(lt), date_gmt=stamp(item["gmt"]),
            day_archive="/%04d/%02d/%02d/" % (lt.year, lt.month, lt.day),
            evening=lt.date() != item["gmt"].date(), author=item["author"],
            categories=[c["path"] for c in item["category_terms"]],
            tags=[t["path"] for t in item["tag_terms"]], sticky=item["sticky"],
            password=bool(item["password"]), kind=item["kind"], text=item["text"],
            captions=item["captions"], rtl=item["rtl"], embeds=item["embeds"],
            unknown_shortcodes=item["unknown"], parts=item["parts"], more=item["more"],
            comments_shown=shown, comments_optional=optional, comments_hidden=hidden,
            top_level_shown=top, comments_open=comments_open(item),
            modified_gmt=stamp(to_gmt(item["local"] + MODIFIED_AFTER)),
            trashed_comments={str(c["id"]): c["original"] for c in item["comments"]}
            if item["status"] == "trash" else {},
            restored_path=("/%04d/%02d/%02d/%s/" % (lt.year, lt.month, lt.day,
                                                    item["trashed_from"])
                           if item["status"] == "trash" else None),
            comment_authors={str(c["id"]): c["author"] for c in item["comments"]
                             if c["id"] in shown}))
    counts["items_by_type"]["attachment"] = len(model["attachments"])
    counts["items_by_type"]["nav_menu_item"] = len(model["menu"])
    counts["public_posts"] = sum(1 for i in items if i["public"] and i["type"] == "post")
    counts["public_pages"] = sum(1 for i in items if i["public"] and i["type"] == "page")
    counts["comments_shown"] = shown_total
    menu = [dict(id=mi["id"], label=mi["label"], target=mi["target"], parent=mi["parent"],
                 order=mi["order"]) for mi in model["menu"]]
    items_by_id = {i["wp_id"]: i for i in model["pages"] + model["posts"]}
    media = [dict(wp_id=a["wp_id"], file=attachment_file(a), alt=attachment_alt(a),
                  parent=a["parent"], page=attachment_page(a, items_by_id),
                  sizes=["%s-%dx%d.jpg" % (attachment_file(a)[:-4], w, h)
                         for _, w, h in ATTACHMENT_SIZES])
             for a in model["attachments"]]
    featured = {str(i["wp_id"]): i["featured"] for i in model["pages"] + model["posts"]
                if i.get("featured")}
    embedded = sorted(set(re.findall(r'src="%s/wp-content/uploads/([^"]+)"' % re.escape(BASE),
                                     "\n".join(i["body"] for i in items_by_id.values()))))
    return dict(
        media=media, featured=featured, embedded=embedded,
        site=model["site"], authors=model["authors"],
        categories=model["categories"], tags=model["tags"], items=items,
        menus=[dict(slug="main-menu", name="Main menu", items=menu)], counts=counts,
        unknown_shortcodes=unknown, search=model["search"],
        comment_pages_item=model["big"], front_more_item=model["front"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    parser.add_argument("--expected", help="where to write the expected JSON (default: "
                        "OUT with .expected.json)")
    args = parser.parse_args()
    if args.items < 120:
        parser.error("--items must be at least 120")
    exp = generate(args.items, args.seed, args.out)
    path = args.expected or re.sub(r"(\.xml)?$", ".expected.json", args.out, count=1)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(exp, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
