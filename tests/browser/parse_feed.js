#!/usr/bin/env node
// parse_feed.js: parses RSS and Atom files with the npm `feedparser` package (a real, strict
// parser of both formats) and prints, on stdout, one JSON object: file name -> {meta, items} or
// {error}. Exit status 1 when any file could not be parsed.
//
// Usage: node parse_feed.js FILE...
'use strict';
const fs = require('fs');
const FeedParser = require('feedparser');

function iso(d) {
  return d instanceof Date && !isNaN(d) ? d.toISOString() : null;
}

function parse(file) {
  return new Promise((resolve) => {
    const parser = new FeedParser({ normalize: true, addmeta: false, feedurl: undefined });
    const items = [];
    let meta = null;
    let failed = null;
    parser.on('error', (e) => { failed = failed || String(e && e.message || e); });
    parser.on('meta', (m) => { meta = m; });
    parser.on('readable', function () {
      let item;
      while ((item = this.read())) {
        items.push({
          title: item.title,
          link: item.link,
          guid: item.guid,
          permalink: item.permalink,
          date: iso(item.date),
          pubdate: iso(item.pubdate),
          author: item.author,
          categories: item.categories,
          comments: item.comments,
          description: item.description,
          summary: item.summary,
        });
      }
    });
    parser.on('end', () => {
      if (failed) return resolve({ error: failed });
      if (!meta) return resolve({ error: 'no feed metadata' });
      resolve({
        meta: {
          type: meta['#type'],
          version: meta['#version'],
          title: meta.title,
          link: meta.link,
          xmlurl: meta.xmlurl,
          date: iso(meta.date),
          language: meta.language,
        },
        items,
      });
    });
    fs.createReadStream(file).on('error', (e) => { failed = String(e.message); parser.end(); })
      .pipe(parser);
  });
}

(async () => {
  const files = process.argv.slice(2);
  if (!files.length) {
    process.stderr.write('usage: node parse_feed.js FILE...\n');
    process.exit(2);
  }
  const out = {};
  let bad = false;
  for (const f of files) {
    out[f] = await parse(f);
    if (out[f].error) bad = true;
  }
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exitCode = bad ? 1 : 0;
})();
