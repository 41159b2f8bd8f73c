/* sqlite_migrations.c: schema versions of the SQLite store; append, never edit a released one. */
#include "store/sqlite_migrations.h"

#define CHANGED(name, event, post)                                                                 \
    "CREATE TRIGGER " name " AFTER " event " BEGIN"                                                \
    " INSERT INTO changes (post_id, version) VALUES (" post ","                                    \
    " (SELECT coalesce(max(version), 0) + 1 FROM changes))"                                        \
    " ON CONFLICT (post_id) DO UPDATE SET version = excluded.version; END;"
#define CHANGED_ALL(table)                                                                         \
    CHANGED(table "_inserted", "INSERT ON " table, "-1")                                           \
    CHANGED(table "_updated", "UPDATE ON " table, "-1")                                            \
    CHANGED(table "_deleted", "DELETE ON " table, "-1")

const char *const sqlite_migrations[] = {
    /* 1: the foundation: settings, users, terms, posts, comments. */
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY, login TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,"
    "  email TEXT NOT NULL DEFAULT '',"
    "  role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'author')),"
    "  password_hash TEXT NOT NULL DEFAULT '', disabled INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE terms ("
    "  id INTEGER PRIMARY KEY, taxonomy TEXT NOT NULL, slug TEXT NOT NULL, name TEXT NOT NULL,"
    "  description TEXT NOT NULL DEFAULT '', parent_id INTEGER REFERENCES terms(id),"
    "  UNIQUE (taxonomy, slug));"
    "CREATE TABLE posts ("
    "  id INTEGER PRIMARY KEY, wp_id INTEGER UNIQUE,"
    "  type TEXT NOT NULL CHECK (type IN ('post', 'page')),"
    "  status TEXT NOT NULL"
    "    CHECK (status IN ('publish', 'draft', 'pending', 'private', 'future', 'trash')),"
    "  slug TEXT NOT NULL, path TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
    "  excerpt TEXT NOT NULL DEFAULT '', body_html TEXT NOT NULL,"
    "  body_source TEXT NOT NULL DEFAULT '', password TEXT NOT NULL DEFAULT '',"
    "  guid TEXT NOT NULL DEFAULT '', author_id INTEGER REFERENCES users(id),"
    "  published_at INTEGER NOT NULL, modified_at INTEGER NOT NULL,"
    "  comments_open INTEGER NOT NULL, sticky INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX posts_listing ON posts (type, status, published_at DESC);"
    "CREATE INDEX posts_slug ON posts (slug);"
    "CREATE TABLE post_terms ("
    "  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
    "  term_id INTEGER NOT NULL REFERENCES terms(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (post_id, term_id));"
    "CREATE TABLE comments ("
    "  id INTEGER PRIMARY KEY,"
    "  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
    "  parent_id INTEGER REFERENCES comments(id), wp_id INTEGER,"
    "  path TEXT NOT NULL DEFAULT '', depth INTEGER NOT NULL,"
    "  author TEXT NOT NULL, email TEXT NOT NULL, url TEXT NOT NULL DEFAULT '',"
    "  ip TEXT NOT NULL DEFAULT '', user_agent TEXT NOT NULL DEFAULT '',"
    "  body_html TEXT NOT NULL, body_source TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL CHECK (status IN ('approved', 'pending', 'spam', 'trash')),"
    "  type TEXT NOT NULL DEFAULT 'comment' CHECK (type IN ('comment', 'pingback', 'trackback')),"
    "  held_by TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL,"
    "  UNIQUE (post_id, wp_id));"
    "CREATE INDEX comments_thread ON comments (post_id, type, status, path);"
    "CREATE INDEX comments_recent ON comments (status, created_at DESC);"
    "CREATE INDEX comments_email ON comments (email, status);"
    /* The change feed other processes read (SQLite has no NOTIFY): one row per post whose
     * pages a write touched (post_id -1: anything), with an increasing version. Triggers
     * write it, so every writer is seen, the sqlite3 shell included. */
    "CREATE TABLE changes (post_id INTEGER PRIMARY KEY, version INTEGER NOT NULL);"
    "CREATE INDEX changes_version ON changes (version);"
    /* clang-format off */
    CHANGED("posts_inserted", "INSERT ON posts", "NEW.id")
    CHANGED("posts_updated", "UPDATE ON posts", "NEW.id")
    CHANGED("posts_deleted", "DELETE ON posts", "OLD.id")
    CHANGED("comments_inserted", "INSERT ON comments", "NEW.post_id")
    CHANGED("comments_updated", "UPDATE ON comments", "NEW.post_id")
    CHANGED("comments_deleted", "DELETE ON comments", "OLD.post_id")
    CHANGED_ALL("settings") CHANGED_ALL("users") CHANGED_ALL("terms") CHANGED_ALL("post_terms"),
    /* clang-format on */

    /* 2: the mail outbox: a message is committed here before the reader's answer, and a sender
     * thread delivers it. claimed_at marks a delivery in progress (queued -> sending). */
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY, post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL,"
    "  created_at INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),"
    "  sender TEXT NOT NULL, recipient TEXT NOT NULL, client_ip TEXT NOT NULL DEFAULT '',"
    "  message TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_attempt_at INTEGER NOT NULL, claimed_at INTEGER NOT NULL DEFAULT 0,"
    "  sent_at INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX outbox_due ON outbox (status, next_attempt_at);"
    "CREATE INDEX outbox_by_ip ON outbox (client_ip, created_at);"
    "CREATE INDEX outbox_by_recipient ON outbox (recipient, created_at);",

    /* 3: each post's approved-comment count, kept by triggers: reading a post no longer counts
     * its comments, which made every comment write slower the longer its thread grew. */
    "ALTER TABLE posts ADD COLUMN approved_comments INTEGER NOT NULL DEFAULT 0;"
    "UPDATE posts SET approved_comments = (SELECT count(*) FROM comments c"
    "  WHERE c.post_id = posts.id AND c.status = 'approved' AND c.type = 'comment');"
    "CREATE TRIGGER comments_counted_insert AFTER INSERT ON comments"
    "  WHEN NEW.status = 'approved' AND NEW.type = 'comment' BEGIN"
    "  UPDATE posts SET approved_comments = approved_comments + 1 WHERE id = NEW.post_id; END;"
    "CREATE TRIGGER comments_counted_delete AFTER DELETE ON comments"
    "  WHEN OLD.status = 'approved' AND OLD.type = 'comment' BEGIN"
    "  UPDATE posts SET approved_comments = approved_comments - 1 WHERE id = OLD.post_id; END;"
    "CREATE TRIGGER comments_counted_update AFTER UPDATE OF status, type, post_id ON comments"
    "  BEGIN"
    "  UPDATE posts SET approved_comments = approved_comments - 1 WHERE id = OLD.post_id"
    "    AND OLD.status = 'approved' AND OLD.type = 'comment';"
    "  UPDATE posts SET approved_comments = approved_comments + 1 WHERE id = NEW.post_id"
    "    AND NEW.status = 'approved' AND NEW.type = 'comment'; END;",

    /* 4: search: the plain text of each post (written by the model with the HTML), indexed by
     * FTS5 with diacritics folded ("lopez" finds "López"), kept in step by triggers. */
    "ALTER TABLE posts ADD COLUMN body_text TEXT NOT NULL DEFAULT '';"
    "CREATE VIRTUAL TABLE posts_fts USING fts5(title, excerpt, body_text, content = 'posts',"
    "  content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');"
    "INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');"
    "CREATE TRIGGER posts_fts_inserted AFTER INSERT ON posts BEGIN"
    "  INSERT INTO posts_fts (rowid, title, excerpt, body_text)"
    "  VALUES (NEW.id, NEW.title, NEW.excerpt, NEW.body_text); END;"
    "CREATE TRIGGER posts_fts_deleted AFTER DELETE ON posts BEGIN"
    "  INSERT INTO posts_fts (posts_fts, rowid, title, excerpt, body_text)"
    "  VALUES ('delete', OLD.id, OLD.title, OLD.excerpt, OLD.body_text); END;"
    "CREATE TRIGGER posts_fts_updated AFTER UPDATE OF title, excerpt, body_text ON posts BEGIN"
    "  INSERT INTO posts_fts (posts_fts, rowid, title, excerpt, body_text)"
    "  VALUES ('delete', OLD.id, OLD.title, OLD.excerpt, OLD.body_text);"
    "  INSERT INTO posts_fts (rowid, title, excerpt, body_text)"
    "  VALUES (NEW.id, NEW.title, NEW.excerpt, NEW.body_text); END;",

    /* 5: the front page's order (sticky first) straight from an index. */
    "CREATE INDEX posts_front ON posts (type, status, sticky, published_at);",

    /* 6: the administration: sessions (the token's hash only), failed logins and the audit log
     * for rate limits and accountability, post revisions and comment edits to undo with. No
     * change-feed triggers: none of it is on a public page. comments_parent serves the replies
     * check of a delete (and its foreign key), comments_by_ip the comment rate limit. */
    "CREATE TABLE sessions ("
    "  token_hash TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  csrf TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);"
    "CREATE INDEX sessions_user ON sessions (user_id);"
    "CREATE INDEX sessions_expiry ON sessions (expires_at);"
    "CREATE TABLE login_failures ("
    "  id INTEGER PRIMARY KEY, ip TEXT NOT NULL, login TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE INDEX login_failures_by_ip ON login_failures (ip, at);"
    "CREATE INDEX login_failures_by_login ON login_failures (login, at);"
    "CREATE TABLE audit_log ("
    "  id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  at INTEGER NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,"
    "  detail TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX audit_log_recent ON audit_log (at DESC, id DESC);"
    "CREATE TABLE post_revisions ("
    "  id INTEGER PRIMARY KEY,"
    "  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
    "  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL, saved_at INTEGER NOT NULL,"
    "  title TEXT NOT NULL, slug TEXT NOT NULL, excerpt TEXT NOT NULL DEFAULT '',"
    "  body_source TEXT NOT NULL DEFAULT '', body_html TEXT NOT NULL);"
    "CREATE INDEX post_revisions_post ON post_revisions (post_id, saved_at DESC, id DESC);"
    "CREATE TABLE comment_edits ("
    "  id INTEGER PRIMARY KEY,"
    "  comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,"
    "  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL, edited_at INTEGER NOT NULL,"
    "  author TEXT NOT NULL, email TEXT NOT NULL, url TEXT NOT NULL DEFAULT '',"
    "  body_source TEXT NOT NULL DEFAULT '', body_html TEXT NOT NULL);"
    "CREATE INDEX comment_edits_comment ON comment_edits (comment_id, edited_at DESC, id DESC);"
    "CREATE INDEX comments_by_ip ON comments (ip, created_at);"
    "CREATE INDEX comments_parent ON comments (parent_id);",

    /* 7: the security review's limits. Wrong passwords of protected posts, one row per try
     * (posts.password_tries), kept apart from failed sign-ins so that they do not lock an
     * address out of the administration. comments_approved_author serves the first-time rule,
     * which matches name and email (any case) of an approved comment. */
    "CREATE TABLE post_password_failures ("
    "  id INTEGER PRIMARY KEY, ip TEXT NOT NULL, post_id INTEGER NOT NULL, at INTEGER NOT NULL);"
    "CREATE INDEX post_password_failures_by_ip ON post_password_failures (ip, post_id, at);"
    "CREATE INDEX comments_approved_author ON comments (lower(email), author)"
    "  WHERE status = 'approved';",

    /* 8: WordPress's term and user IDs, kept by the import, so that /?cat=ID and /?author=ID
     * find their archives as /?p=ID finds its post. */
    "ALTER TABLE terms ADD COLUMN wp_id INTEGER;"
    "ALTER TABLE users ADD COLUMN wp_id INTEGER;"
    "CREATE UNIQUE INDEX terms_wp_id ON terms (wp_id);"
    "CREATE UNIQUE INDEX users_wp_id ON users (wp_id);",

    /* 9: what a WordPress site keeps beside its posts (issue 16). utc_offset: the post's local
     * time is published_at + utc_offset (WordPress's post_date against post_date_gmt), which
     * permalinks and date archives use; format: the post format ("aside", …, "" standard);
     * menu_order: the order of pages; custom fields (WordPress's postmeta not starting with
     * "_"); menus (a nav_menu's items, nested, each pointing at a post, a term or a URL);
     * comments.trashed_status: the status a comment trashed with its post goes back to when
     * the post is restored ("" for none; the status CHECK is unchanged). */
    "ALTER TABLE posts ADD COLUMN utc_offset INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE posts ADD COLUMN format TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE posts ADD COLUMN menu_order INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE comments ADD COLUMN trashed_status TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE custom_fields ("
    "  id INTEGER PRIMARY KEY,"
    "  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, value TEXT NOT NULL);"
    "CREATE INDEX custom_fields_post ON custom_fields (post_id, id);"
    "CREATE TABLE menu_items ("
    "  id INTEGER PRIMARY KEY, menu TEXT NOT NULL,"
    "  parent_id INTEGER REFERENCES menu_items(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL DEFAULT 0, title TEXT NOT NULL DEFAULT '',"
    "  post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL,"
    "  term_id INTEGER REFERENCES terms(id) ON DELETE SET NULL,"
    "  url TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX menu_items_menu ON menu_items (menu, position, id);"
    "CREATE INDEX menu_items_parent ON menu_items (parent_id);",

    /* 10: search in every script. The index reads each post's texts folded by
     * util/search_fold.h (Arabic and Hebrew normalised; the letters of Chinese, Japanese,
     * Thai and other scripts without spaces made words of one letter, so that a run of them is
     * a phrase: found at any length), which the store writes beside the post where they
     * differ from its own (NULL: the same), through a view. Combining marks are letters now
     * (categories), so that a Thai vowel or an accent in decomposed form stays in its word.
     * The C side folds the posts already there: the task store_open runs (store_tasks). */
    "ALTER TABLE posts ADD COLUMN search_title TEXT;"
    "ALTER TABLE posts ADD COLUMN search_excerpt TEXT;"
    "ALTER TABLE posts ADD COLUMN search_body TEXT;"
    "DROP TRIGGER posts_fts_inserted;"
    "DROP TRIGGER posts_fts_deleted;"
    "DROP TRIGGER posts_fts_updated;"
    "DROP TABLE posts_fts;"
    "CREATE VIEW posts_search_text AS SELECT id, coalesce(search_title, title) AS title,"
    "  coalesce(search_excerpt, excerpt) AS excerpt, coalesce(search_body, body_text) AS body"
    "  FROM posts;"
    "CREATE VIRTUAL TABLE posts_fts USING fts5(title, excerpt, body,"
    "  content = 'posts_search_text', content_rowid = 'id',"
    "  tokenize = \"unicode61 remove_diacritics 2 categories 'L* N* Co M*'\");"
    "INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');"
    "CREATE TRIGGER posts_fts_inserted AFTER INSERT ON posts BEGIN"
    "  INSERT INTO posts_fts (rowid, title, excerpt, body)"
    "  VALUES (NEW.id, coalesce(NEW.search_title, NEW.title),"
    "    coalesce(NEW.search_excerpt, NEW.excerpt), coalesce(NEW.search_body, NEW.body_text));"
    "  END;"
    "CREATE TRIGGER posts_fts_deleted AFTER DELETE ON posts BEGIN"
    "  INSERT INTO posts_fts (posts_fts, rowid, title, excerpt, body)"
    "  VALUES ('delete', OLD.id, coalesce(OLD.search_title, OLD.title),"
    "    coalesce(OLD.search_excerpt, OLD.excerpt), coalesce(OLD.search_body, OLD.body_text));"
    "  END;"
    "CREATE TRIGGER posts_fts_updated AFTER UPDATE OF title, excerpt, body_text, search_title,"
    "  search_excerpt, search_body ON posts BEGIN"
    "  INSERT INTO posts_fts (posts_fts, rowid, title, excerpt, body)"
    "  VALUES ('delete', OLD.id, coalesce(OLD.search_title, OLD.title),"
    "    coalesce(OLD.search_excerpt, OLD.excerpt), coalesce(OLD.search_body, OLD.body_text));"
    "  INSERT INTO posts_fts (rowid, title, excerpt, body)"
    "  VALUES (NEW.id, coalesce(NEW.search_title, NEW.title),"
    "    coalesce(NEW.search_excerpt, NEW.excerpt), coalesce(NEW.search_body, NEW.body_text));"
    "  END;"
    "CREATE TABLE store_tasks (name TEXT PRIMARY KEY);"
    "INSERT INTO store_tasks (name) VALUES ('search_fold');",

    /* 11: WordPress's URLs. Slugs and paths in the one canonical form (lowercase percent-encoding
     * of UTF-8; gazette_slug_canonical is util/slug.c's, registered on each connection), a row
     * whose canonical path another row holds already left as it is; the users' nicenames
     * (gazette_nicename, WordPress's user_nicename; "user-ID" for a login it leaves nothing of,
     * "-ID" after one another user has); pages' parents; and the old paths of posts
     * (_wp_old_slug, _wp_old_date, a slug changed in the editor), which answer 301. */
    "UPDATE posts SET slug = gazette_slug_canonical(slug)"
    "  WHERE slug <> gazette_slug_canonical(slug);"
    "UPDATE posts SET path = gazette_slug_canonical(path)"
    "  WHERE path <> gazette_slug_canonical(path)"
    "  AND NOT EXISTS (SELECT 1 FROM posts o WHERE o.path = gazette_slug_canonical(posts.path));"
    "UPDATE terms SET slug = gazette_slug_canonical(slug)"
    "  WHERE slug <> gazette_slug_canonical(slug) AND NOT EXISTS (SELECT 1 FROM terms o"
    "    WHERE o.taxonomy = terms.taxonomy AND o.slug = gazette_slug_canonical(terms.slug));"
    "ALTER TABLE users ADD COLUMN nicename TEXT NOT NULL DEFAULT '';"
    "UPDATE users SET nicename = gazette_nicename(login);"
    "UPDATE users SET nicename = 'user-' || id WHERE nicename = '';"
    "UPDATE users SET nicename = nicename || '-' || id WHERE EXISTS"
    "  (SELECT 1 FROM users o WHERE o.nicename = users.nicename AND o.id < users.id);"
    "CREATE INDEX users_nicename ON users (nicename);"
    "ALTER TABLE posts ADD COLUMN parent_id INTEGER REFERENCES posts(id) ON DELETE SET NULL;"
    "CREATE INDEX posts_parent ON posts (parent_id);"
    "CREATE TABLE post_old_paths ("
    "  path TEXT PRIMARY KEY,"
    "  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE);"
    "CREATE INDEX post_old_paths_post ON post_old_paths (post_id);",

    /* 12: media (WordPress's attachments) and their files, the bytes in the store (data, the
     * last column, so that reading the others never loads it); a post's featured image. A
     * WordPress ID and an attachment page's path are unique where there is one (NULL, ""). */
    "CREATE TABLE media ("
    "  id INTEGER PRIMARY KEY, wp_id INTEGER,"
    "  post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL,"
    "  author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  file TEXT NOT NULL UNIQUE, slug TEXT NOT NULL DEFAULT '',"
    "  page_path TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '',"
    "  caption TEXT NOT NULL DEFAULT '', alt TEXT NOT NULL DEFAULT '',"
    "  description TEXT NOT NULL DEFAULT '', mime TEXT NOT NULL DEFAULT '',"
    "  width INTEGER NOT NULL DEFAULT 0, height INTEGER NOT NULL DEFAULT 0,"
    "  bytes INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX media_wp_id ON media (wp_id);"
    "CREATE UNIQUE INDEX media_page_path ON media (page_path) WHERE page_path <> '';"
    "CREATE INDEX media_listing ON media (created_at DESC, id DESC);"
    "CREATE INDEX media_post ON media (post_id);"
    "CREATE INDEX media_author ON media (author_id);"
    "CREATE TABLE media_files ("
    "  id INTEGER PRIMARY KEY,"
    "  media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,"
    "  path TEXT NOT NULL UNIQUE, size TEXT NOT NULL, mime TEXT NOT NULL DEFAULT '',"
    "  width INTEGER NOT NULL DEFAULT 0, height INTEGER NOT NULL DEFAULT 0,"
    "  bytes INTEGER NOT NULL, etag TEXT NOT NULL DEFAULT '', data BLOB NOT NULL);"
    "CREATE INDEX media_files_media ON media_files (media_id);"
    "ALTER TABLE posts ADD COLUMN featured_media_id INTEGER"
    "  REFERENCES media(id) ON DELETE SET NULL;"
    "CREATE INDEX posts_featured_media ON posts (featured_media_id);"
    /* pages show media (an image's sizes, an attachment page): any change, any page */
    CHANGED_ALL("media") CHANGED_ALL("media_files"),
};

const size_t sqlite_migration_count = sizeof(sqlite_migrations) / sizeof(sqlite_migrations[0]);
