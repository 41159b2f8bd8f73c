#!/usr/bin/env python3
"""search_bench.py: what search costs: index size and /?s= latency on a generated site.

Usage:
  search_bench.py --gazette BIN [--gazette BIN2 ...] [--pg URI_PREFIX] [--posts N] [--runs R]
                  [--scripts en,zh,ja,th,ar]

For each binary and each store (SQLite; PostgreSQL too when --pg gives a server as
postgresql://USER@HOST:PORT, on which databases are created with psql and dropped after), a
fresh site imports a generated export of N posts (default 3,000: a fifth each in English,
Chinese, Japanese, Thai and Arabic, or those --scripts names, our own word lists, the English from bench/gen_wxr.py's
words), with the page cache off (cache.max_mb 0) so that every request reaches the store. It
prints the database's size and the search index's, then for each query the number of results
and the median and 95th percentile of R requests (default 100) of its first page, one at a time
over loopback. The same arguments give the same site (random.Random(1)).
"""

import argparse
import http.client
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_wxr  # noqa: E402  (its words and WXR head)

ZH = ("城市 市场 河流 桥梁 学校 图书馆 博物馆 花园 车站 早上 晚上 冬天 夏天 春天 秋天 东京 北京 上海"
      " 朋友 老师 医生 报告 故事 问题 计划 预算 新闻 天气 火车 咖啡 茶 水 面包 我们 他们 去了 看了"
      " 很好 非常 一起 今天 明天 昨天 的 了 在 和").split()
JA = ("東京 京都 大阪 駅 電車 天気 友達 散歩 写真 料理 学校 図書館 公園 昨日 今日 明日 雨 夜景 寺"
      " 近く 歩きました 見ました 行きました です ました の を に は が と で").split()
TH = ("ตลาด น้ำ กรุงเทพ เช้า เย็น รถ ไฟ โรงเรียน ห้องสมุด เพื่อน อาหาร อร่อย มาก ที่ ไป เที่ยว วัด"
      " แม่น้ำ เรา เขา วันนี้ พรุ่งนี้ เมื่อวาน").split()
AR = ("مكتبة المدينة كتاب مدرسة سوق نهر جسر صباح مساء شتاء صيف قصة رسالة سؤال جواب ذهب كتب قرأ"
      " الولد البنت المَكْتَبَةِ إِلَى في من على كبيرة صغيرة جديد قديم").split()
SCRIPTS = ("en", "zh", "ja", "th", "ar")

QUERIES = ["harbour", "lantern meadow", "lan*", '"city council"', "东京", "图书馆", "天", "東京",
           "駅", "กรุงเทพ", "มาก", "مكتبة", "المكتبة"]


def sentence(rng, script):
    if script == "en":
        return " ".join(rng.choices(gen_wxr.WORDS, k=rng.randint(6, 16))).capitalize() + "."
    if script == "zh":
        return "".join(rng.choices(ZH, k=rng.randint(6, 16))) + "。"
    if script == "ja":
        return "".join(rng.choices(JA, k=rng.randint(6, 16))) + "。"
    if script == "th":
        return "".join(rng.choices(TH, k=rng.randint(6, 16)))
    return " ".join(rng.choices(AR, k=rng.randint(6, 16))) + "."


def site_wxr(posts, path, scripts=SCRIPTS):
    rng = random.Random(1)
    lines = []
    gen_wxr.head(lines.append, "Search bench")
    for p in range(posts):
        script = scripts[p % len(scripts)]
        paragraphs = ["<p>" + " ".join(sentence(rng, script) for _ in range(rng.randint(3, 6)))
                      + "</p>" for _ in range(rng.randint(4, 8))]
        title = sentence(rng, script).rstrip(".。")[:60]
        lines.append(gen_wxr_item(p, title, "\n".join(paragraphs)))
    lines += ["</channel>", "</rss>"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def gen_wxr_item(p, title, body):
    c = gen_wxr.cdata
    day = 1 + p % 28
    return "\n".join([
        "\t<item>", f"\t\t<title>{c(title)}</title>",
        f"\t\t<link>{gen_wxr.BASE}/2020/01/{day:02d}/s-{p}/</link>",
        "\t\t<pubDate>Wed, 01 Jan 2020 08:00:00 +0000</pubDate>",
        f"\t\t<dc:creator>{c('editor')}</dc:creator>",
        f'\t\t<guid isPermaLink="false">{gen_wxr.BASE}/?p={1000 + p}</guid>',
        "\t\t<description></description>",
        f"\t\t<content:encoded>{c(body)}</content:encoded>",
        f"\t\t<excerpt:encoded>{c('')}</excerpt:encoded>",
        f"\t\t<wp:post_id>{1000 + p}</wp:post_id>",
        f"\t\t<wp:post_date>{c(f'2020-01-{day:02d} 08:{p % 60:02d}:00')}</wp:post_date>",
        f"\t\t<wp:post_date_gmt>{c(f'2020-01-{day:02d} 08:{p % 60:02d}:00')}</wp:post_date_gmt>",
        f"\t\t<wp:comment_status>{c('open')}</wp:comment_status>",
        f"\t\t<wp:ping_status>{c('closed')}</wp:ping_status>",
        f"\t\t<wp:post_name>{c(f's-{p}')}</wp:post_name>",
        f"\t\t<wp:status>{c('publish')}</wp:status>",
        "\t\t<wp:post_parent>0</wp:post_parent>", "\t\t<wp:menu_order>0</wp:menu_order>",
        f"\t\t<wp:post_type>{c('post')}</wp:post_type>",
        f"\t\t<wp:post_password>{c('')}</wp:post_password>",
        "\t\t<wp:is_sticky>0</wp:is_sticky>", "\t</item>"])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gz(binary, db, *args):
    subprocess.run([binary, "--db", db, *args], check=True, stdout=subprocess.DEVNULL)


def psql(uri, sql):
    return subprocess.run(["psql", uri, "-Atc", sql], check=True, capture_output=True,
                          text=True).stdout.strip()


def sizes(db):
    if db.startswith("postgresql://"):
        total = int(psql(db, "SELECT pg_database_size(current_database())"))
        index = int(psql(db, "SELECT pg_relation_size('posts_search')"))
        posts = int(psql(db, "SELECT pg_total_relation_size('posts')"))
        return total, index, posts
    con = sqlite3.connect(db)
    con.execute("VACUUM")
    total = os.path.getsize(db)
    try:
        index = con.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'posts_fts%'")
        index = index.fetchone()[0]
        posts = con.execute("SELECT sum(pgsize) FROM dbstat WHERE name = 'posts'").fetchone()[0]
    except sqlite3.OperationalError:  # no dbstat in this build of SQLite
        index = posts = -1
    con.close()
    return total, index, posts


def time_queries(port, runs):
    out = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for q in QUERIES:
        path = "/?s=" + urllib.parse.quote_plus(q)
        times = []
        body = b""
        for _ in range(runs):
            t = time.perf_counter()
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            times.append((time.perf_counter() - t) * 1000)
            assert r.status == 200, (q, r.status)
        text = body.decode("utf-8")
        marker = '<p class="search-count">'
        count = text.split(marker, 1)[1].split(" ", 1)[0] if marker in text else "0"
        times.sort()
        out.append((q, count, statistics.median(times), times[int(len(times) * 0.95) - 1]))
    conn.close()
    return out


def run(binary, db, wxr, runs):
    gz(binary, db, "init")
    gz(binary, db, "set", "cache.max_mb", "0")
    t = time.perf_counter()
    gz(binary, db, "import", "wxr", wxr)
    imported = time.perf_counter() - t
    total, index, posts = sizes(db)
    port = free_port()
    srv = subprocess.Popen([binary, "--db", db, "serve", "--listen", f"127.0.0.1:{port}",
                            "--access-log", "off"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        return imported, total, index, posts, time_queries(port, runs)
    finally:
        srv.terminate()
        srv.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gazette", action="append", required=True)
    ap.add_argument("--pg", help="postgresql://USER@HOST:PORT of a server to create databases on")
    ap.add_argument("--posts", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--scripts", default=",".join(SCRIPTS))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="search-bench-")
    try:
        wxr = os.path.join(tmp, "site.xml")
        scripts = args.scripts.split(",")
        assert set(scripts) <= set(SCRIPTS), f"--scripts: a list of {','.join(SCRIPTS)}"
        site_wxr(args.posts, wxr, scripts)
        print(f"site: {args.posts} posts ({args.scripts}), {os.path.getsize(wxr) / 1e6:.1f} MB"
              " of WXR")
        for n, binary in enumerate(args.gazette):
            stores = [("sqlite", os.path.join(tmp, f"g{n}.db"))]
            if args.pg:
                name = f"search_bench_{os.getpid()}_{n}"
                psql(args.pg + "/postgres", f"CREATE DATABASE {name}")
                stores.append(("postgres", f"{args.pg}/{name}"))
            for store, db in stores:
                imported, total, index, posts, rows = run(binary, db, wxr, args.runs)
                print(f"\n{binary} on {store}: import {imported:.1f} s; database {total / 1e6:.1f}"
                      f" MB, search index {index / 1e6:.1f} MB, posts table {posts / 1e6:.1f} MB")
                print(f"  {'query':<16} {'results':>7} {'median ms':>10} {'p95 ms':>8}")
                for q, count, median, p95 in rows:
                    print(f"  {q:<16} {count:>7} {median:>10.2f} {p95:>8.2f}")
                if store == "postgres":
                    psql(args.pg + "/postgres", f"DROP DATABASE {db.rsplit('/', 1)[1]}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
