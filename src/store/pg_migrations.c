/* pg_migrations.c: schema versions of the PostgreSQL store; append, never edit a released one.
 * The same tables as SQLite's, with PostgreSQL's types, and triggers that NOTIFY the other
 * nodes at commit of every change. */
#include "store/pg_migrations.h"

#define ALL_CHANGED(table)                                                                         \
    "CREATE TRIGGER " table "_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON " table      \
    " FOR EACH STATEMENT EXECUTE FUNCTION gazette_notify_all();"

const char *const pg_migrations[] = {
    /* 1: the foundation: settings, users, terms, posts, comments. */
    "CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);"
    "CREATE SEQUENCE users_id_seq;"
    "CREATE TABLE users ("
    "  id bigint PRIMARY KEY DEFAULT nextval('users_id_seq'), login text NOT NULL UNIQUE,"
    "  display_name text NOT NULL, email text NOT NULL DEFAULT '',"
    "  role text NOT NULL CHECK (role IN ('admin', 'editor', 'author')),"
    "  password_hash text NOT NULL DEFAULT '', disabled boolean NOT NULL DEFAULT false);"
    "CREATE SEQUENCE terms_id_seq;"
    "CREATE TABLE terms ("
    "  id bigint PRIMARY KEY DEFAULT nextval('terms_id_seq'), taxonomy text NOT NULL,"
    "  slug text NOT NULL, name text NOT NULL, description text NOT NULL DEFAULT '',"
    "  parent_id bigint REFERENCES terms(id) DEFERRABLE, UNIQUE (taxonomy, slug));"
    "CREATE SEQUENCE posts_id_seq;"
    "CREATE TABLE posts ("
    "  id bigint PRIMARY KEY DEFAULT nextval('posts_id_seq'), wp_id bigint UNIQUE,"
    "  type text NOT NULL CHECK (type IN ('post', 'page')),"
    "  status text NOT NULL"
    "    CHECK (status IN ('publish', 'draft', 'pending', 'private', 'future', 'trash')),"
    "  slug text NOT NULL, path text NOT NULL UNIQUE, title text NOT NULL,"
    "  excerpt text NOT NULL DEFAULT '', body_html text NOT NULL,"
    "  body_source text NOT NULL DEFAULT '', password text NOT NULL DEFAULT '',"
    "  guid text NOT NULL DEFAULT '', author_id bigint REFERENCES users(id) DEFERRABLE,"
    "  published_at bigint NOT NULL, modified_at bigint NOT NULL,"
    "  comments_open boolean NOT NULL, sticky boolean NOT NULL DEFAULT false);"
    "CREATE INDEX posts_listing ON posts (type, status, published_at DESC);"
    "CREATE INDEX posts_slug ON posts (slug);"
    "CREATE TABLE post_terms ("
    "  post_id bigint NOT NULL REFERENCES posts(id) ON DELETE CASCADE DEFERRABLE,"
    "  term_id bigint NOT NULL REFERENCES terms(id) ON DELETE CASCADE DEFERRABLE,"
    "  PRIMARY KEY (post_id, term_id));"
    "CREATE SEQUENCE comments_id_seq;"
    "CREATE TABLE comments ("
    "  id bigint PRIMARY KEY DEFAULT nextval('comments_id_seq'),"
    "  post_id bigint NOT NULL REFERENCES posts(id) ON DELETE CASCADE DEFERRABLE,"
    "  parent_id bigint REFERENCES comments(id) DEFERRABLE, wp_id bigint,"
    "  path text COLLATE \"C\" NOT NULL DEFAULT '', depth integer NOT NULL,"
    "  author text NOT NULL, email text NOT NULL, url text NOT NULL DEFAULT '',"
    "  ip text NOT NULL DEFAULT '', user_agent text NOT NULL DEFAULT '',"
    "  body_html text NOT NULL, body_source text NOT NULL DEFAULT '',"
    "  status text NOT NULL CHECK (status IN ('approved', 'pending', 'spam', 'trash')),"
    "  type text NOT NULL DEFAULT 'comment' CHECK (type IN ('comment', 'pingback', 'trackback')),"
    "  held_by text NOT NULL DEFAULT '', created_at bigint NOT NULL,"
    "  UNIQUE (post_id, wp_id));"
    "CREATE INDEX comments_thread ON comments (post_id, type, status, path);"
    "CREATE INDEX comments_recent ON comments (status, created_at DESC);"
    "CREATE INDEX comments_email ON comments (email, status);"
    /* Other nodes LISTEN: "post:ID" names the post whose pages a row change touches, "all"
     * anything else. Sent at commit, once per distinct payload. */
    "CREATE FUNCTION gazette_notify_all() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN PERFORM pg_notify('gazette_changes', 'all'); RETURN NULL; END $$;"
    "CREATE FUNCTION gazette_notify_post() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF TG_OP = 'DELETE' THEN PERFORM pg_notify('gazette_changes', 'post:' || OLD.id);"
    "  ELSE PERFORM pg_notify('gazette_changes', 'post:' || NEW.id); END IF;"
    "  RETURN NULL; END $$;"
    "CREATE FUNCTION gazette_notify_comment() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF TG_OP = 'DELETE' THEN PERFORM pg_notify('gazette_changes', 'post:' || OLD.post_id);"
    "  ELSE PERFORM pg_notify('gazette_changes', 'post:' || NEW.post_id); END IF;"
    "  RETURN NULL; END $$;"
    /* clang-format off */
    ALL_CHANGED("settings") ALL_CHANGED("users") ALL_CHANGED("terms") ALL_CHANGED("post_terms")
    /* clang-format on */
    "CREATE TRIGGER posts_changed AFTER INSERT OR UPDATE OR DELETE ON posts"
    " FOR EACH ROW EXECUTE FUNCTION gazette_notify_post();"
    "CREATE TRIGGER posts_truncated AFTER TRUNCATE ON posts"
    " FOR EACH STATEMENT EXECUTE FUNCTION gazette_notify_all();"
    "CREATE TRIGGER comments_changed AFTER INSERT OR UPDATE OR DELETE ON comments"
    " FOR EACH ROW EXECUTE FUNCTION gazette_notify_comment();"
    "CREATE TRIGGER comments_truncated AFTER TRUNCATE ON comments"
    " FOR EACH STATEMENT EXECUTE FUNCTION gazette_notify_all();",

    /* 2: the mail outbox (see sqlite_migrations.c). */
    "CREATE SEQUENCE outbox_id_seq;"
    "CREATE TABLE outbox ("
    "  id bigint PRIMARY KEY DEFAULT nextval('outbox_id_seq'),"
    "  post_id bigint REFERENCES posts(id) ON DELETE SET NULL DEFERRABLE,"
    "  created_at bigint NOT NULL,"
    "  status text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),"
    "  sender text NOT NULL, recipient text NOT NULL, client_ip text NOT NULL DEFAULT '',"
    "  message text NOT NULL, attempts integer NOT NULL DEFAULT 0,"
    "  next_attempt_at bigint NOT NULL, claimed_at bigint NOT NULL DEFAULT 0,"
    "  sent_at bigint NOT NULL DEFAULT 0, last_error text NOT NULL DEFAULT '');"
    "CREATE INDEX outbox_due ON outbox (status, next_attempt_at);"
    "CREATE INDEX outbox_by_ip ON outbox (client_ip, created_at);"
    "CREATE INDEX outbox_by_recipient ON outbox (recipient, created_at);",

    /* 3: each post's approved-comment count, kept by a trigger (see sqlite_migrations.c). */
    "ALTER TABLE posts ADD COLUMN approved_comments bigint NOT NULL DEFAULT 0;"
    "UPDATE posts SET approved_comments = (SELECT count(*) FROM comments c"
    "  WHERE c.post_id = posts.id AND c.status = 'approved' AND c.type = 'comment');"
    "CREATE FUNCTION gazette_count_comments() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'approved' AND OLD.type = 'comment'"
    "  THEN UPDATE posts SET approved_comments = approved_comments - 1 WHERE id = OLD.post_id;"
    "  END IF;"
    "  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'approved' AND NEW.type = 'comment'"
    "  THEN UPDATE posts SET approved_comments = approved_comments + 1 WHERE id = NEW.post_id;"
    "  END IF;"
    "  RETURN NULL; END $$;"
    "CREATE TRIGGER comments_counted AFTER INSERT OR UPDATE OF status, type, post_id OR DELETE"
    " ON comments FOR EACH ROW EXECUTE FUNCTION gazette_count_comments();",

    /* 4: search: the plain text of each post, a weighted tsvector (title A, excerpt B, body C)
     * through a configuration that folds diacritics with unaccent (postgresql-contrib). */
    "CREATE EXTENSION IF NOT EXISTS unaccent;"
    "CREATE TEXT SEARCH CONFIGURATION gazette (COPY = simple);"
    "ALTER TEXT SEARCH CONFIGURATION gazette ALTER MAPPING FOR asciiword, asciihword,"
    "  hword_asciipart, word, hword, hword_part WITH unaccent, simple;"
    "ALTER TABLE posts ADD COLUMN body_text text NOT NULL DEFAULT '';"
    "ALTER TABLE posts ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "  setweight(to_tsvector('gazette'::regconfig, title), 'A') ||"
    "  setweight(to_tsvector('gazette'::regconfig, excerpt), 'B') ||"
    "  setweight(to_tsvector('gazette'::regconfig, body_text), 'C')) STORED;"
    "CREATE INDEX posts_search ON posts USING gin (search);",

    /* 5: the front page's order (sticky first) straight from an index. */
    "CREATE INDEX posts_front ON posts (type, status, sticky, published_at);",

    /* 6: the administration (see sqlite_migrations.c); no NOTIFY triggers, since none of it is
     * on a public page. */
    "CREATE TABLE sessions ("
    "  token_hash text PRIMARY KEY,"
    "  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE DEFERRABLE,"
    "  csrf text NOT NULL, created_at bigint NOT NULL, expires_at bigint NOT NULL);"
    "CREATE INDEX sessions_user ON sessions (user_id);"
    "CREATE INDEX sessions_expiry ON sessions (expires_at);"
    "CREATE SEQUENCE login_failures_id_seq;"
    "CREATE TABLE login_failures ("
    "  id bigint PRIMARY KEY DEFAULT nextval('login_failures_id_seq'), ip text NOT NULL,"
    "  login text NOT NULL, at bigint NOT NULL);"
    "CREATE INDEX login_failures_by_ip ON login_failures (ip, at);"
    "CREATE INDEX login_failures_by_login ON login_failures (login, at);"
    "CREATE SEQUENCE audit_log_id_seq;"
    "CREATE TABLE audit_log ("
    "  id bigint PRIMARY KEY DEFAULT nextval('audit_log_id_seq'),"
    "  user_id bigint REFERENCES users(id) ON DELETE SET NULL DEFERRABLE,"
    "  at bigint NOT NULL, action text NOT NULL, target text NOT NULL,"
    "  detail text NOT NULL DEFAULT '');"
    "CREATE INDEX audit_log_recent ON audit_log (at DESC, id DESC);"
    "CREATE SEQUENCE post_revisions_id_seq;"
    "CREATE TABLE post_revisions ("
    "  id bigint PRIMARY KEY DEFAULT nextval('post_revisions_id_seq'),"
    "  post_id bigint NOT NULL REFERENCES posts(id) ON DELETE CASCADE DEFERRABLE,"
    "  user_id bigint REFERENCES users(id) ON DELETE SET NULL DEFERRABLE,"
    "  saved_at bigint NOT NULL, title text NOT NULL, slug text NOT NULL,"
    "  excerpt text NOT NULL DEFAULT '', body_source text NOT NULL DEFAULT '',"
    "  body_html text NOT NULL);"
    "CREATE INDEX post_revisions_post ON post_revisions (post_id, saved_at DESC, id DESC);"
    "CREATE SEQUENCE comment_edits_id_seq;"
    "CREATE TABLE comment_edits ("
    "  id bigint PRIMARY KEY DEFAULT nextval('comment_edits_id_seq'),"
    "  comment_id bigint NOT NULL REFERENCES comments(id) ON DELETE CASCADE DEFERRABLE,"
    "  user_id bigint REFERENCES users(id) ON DELETE SET NULL DEFERRABLE,"
    "  edited_at bigint NOT NULL, author text NOT NULL, email text NOT NULL,"
    "  url text NOT NULL DEFAULT '', body_source text NOT NULL DEFAULT '',"
    "  body_html text NOT NULL);"
    "CREATE INDEX comment_edits_comment ON comment_edits (comment_id, edited_at DESC, id DESC);"
    "CREATE INDEX comments_by_ip ON comments (ip, created_at);"
    "CREATE INDEX comments_parent ON comments (parent_id);",

    /* 7: a comment no longer updates its post's row. PostgreSQL recomputed the generated search
     * column on every UPDATE of a post (each comment's +1 ran to_tsvector over the whole
     * article), and the +1 itself locked the post's row until commit, so comments on one post
     * were written one at a time, each waiting for its own WAL flush. Now the search vector is
     * kept by a trigger on the text columns, and the count by striped rows: each connection
     * adds to the stripe of its backend (pid % 16), and a post's count is their sum. */
    "ALTER TABLE posts DROP COLUMN search;"
    "ALTER TABLE posts ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector;"
    "CREATE FUNCTION gazette_post_search() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  NEW.search := setweight(to_tsvector('gazette'::regconfig, NEW.title), 'A') ||"
    "    setweight(to_tsvector('gazette'::regconfig, NEW.excerpt), 'B') ||"
    "    setweight(to_tsvector('gazette'::regconfig, NEW.body_text), 'C');"
    "  RETURN NEW; END $$;"
    "CREATE TRIGGER posts_search BEFORE INSERT OR UPDATE OF title, excerpt, body_text ON posts"
    " FOR EACH ROW EXECUTE FUNCTION gazette_post_search();"
    "UPDATE posts SET search = setweight(to_tsvector('gazette'::regconfig, title), 'A') ||"
    "  setweight(to_tsvector('gazette'::regconfig, excerpt), 'B') ||"
    "  setweight(to_tsvector('gazette'::regconfig, body_text), 'C');"
    "CREATE INDEX posts_search ON posts USING gin (search);"
    "CREATE TABLE comment_counts ("
    "  post_id bigint NOT NULL REFERENCES posts(id) ON DELETE CASCADE DEFERRABLE,"
    "  stripe integer NOT NULL, n bigint NOT NULL, PRIMARY KEY (post_id, stripe));"
    "INSERT INTO comment_counts (post_id, stripe, n)"
    "  SELECT id, 0, approved_comments FROM posts WHERE approved_comments <> 0;"
    "CREATE OR REPLACE FUNCTION gazette_count_comments() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'approved' AND OLD.type = 'comment'"
    "  THEN INSERT INTO comment_counts (post_id, stripe, n)"
    "    VALUES (OLD.post_id, pg_backend_pid() % 16, -1)"
    "    ON CONFLICT (post_id, stripe) DO UPDATE SET n = comment_counts.n - 1;"
    "  END IF;"
    "  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'approved' AND NEW.type = 'comment'"
    "  THEN INSERT INTO comment_counts (post_id, stripe, n)"
    "    VALUES (NEW.post_id, pg_backend_pid() % 16, 1)"
    "    ON CONFLICT (post_id, stripe) DO UPDATE SET n = comment_counts.n + 1;"
    "  END IF;"
    "  RETURN NULL; END $$;"
    "ALTER TABLE posts DROP COLUMN approved_comments;",

    /* 8: the security review's limits (see sqlite_migrations.c, 7). */
    "CREATE SEQUENCE post_password_failures_id_seq;"
    "CREATE TABLE post_password_failures ("
    "  id bigint PRIMARY KEY DEFAULT nextval('post_password_failures_id_seq'),"
    "  ip text NOT NULL, post_id bigint NOT NULL, at bigint NOT NULL);"
    "CREATE INDEX post_password_failures_by_ip ON post_password_failures (ip, post_id, at);"
    "CREATE INDEX comments_approved_author ON comments (lower(email), author)"
    "  WHERE status = 'approved';",

    /* 9: WordPress's term and user IDs (see sqlite_migrations.c, 8). */
    "ALTER TABLE terms ADD COLUMN wp_id bigint;"
    "ALTER TABLE users ADD COLUMN wp_id bigint;"
    "CREATE UNIQUE INDEX terms_wp_id ON terms (wp_id);"
    "CREATE UNIQUE INDEX users_wp_id ON users (wp_id);",

    /* 10: what a WordPress site keeps beside its posts (see sqlite_migrations.c, 9). */
    "ALTER TABLE posts ADD COLUMN utc_offset bigint NOT NULL DEFAULT 0;"
    "ALTER TABLE posts ADD COLUMN format text NOT NULL DEFAULT '';"
    "ALTER TABLE posts ADD COLUMN menu_order bigint NOT NULL DEFAULT 0;"
    "ALTER TABLE comments ADD COLUMN trashed_status text NOT NULL DEFAULT '';"
    "CREATE SEQUENCE custom_fields_id_seq;"
    "CREATE TABLE custom_fields ("
    "  id bigint PRIMARY KEY DEFAULT nextval('custom_fields_id_seq'),"
    "  post_id bigint NOT NULL REFERENCES posts(id) ON DELETE CASCADE DEFERRABLE,"
    "  name text NOT NULL, value text NOT NULL);"
    "CREATE INDEX custom_fields_post ON custom_fields (post_id, id);"
    "CREATE SEQUENCE menu_items_id_seq;"
    "CREATE TABLE menu_items ("
    "  id bigint PRIMARY KEY DEFAULT nextval('menu_items_id_seq'), menu text NOT NULL,"
    "  parent_id bigint REFERENCES menu_items(id) ON DELETE CASCADE DEFERRABLE,"
    "  position bigint NOT NULL DEFAULT 0, title text NOT NULL DEFAULT '',"
    "  post_id bigint REFERENCES posts(id) ON DELETE SET NULL DEFERRABLE,"
    "  term_id bigint REFERENCES terms(id) ON DELETE SET NULL DEFERRABLE,"
    "  url text NOT NULL DEFAULT '');"
    "CREATE INDEX menu_items_menu ON menu_items (menu, position, id);"
    "CREATE INDEX menu_items_parent ON menu_items (parent_id);" ALL_CHANGED("custom_fields")
        ALL_CHANGED("menu_items"),

    /* 11: search in every script (see sqlite_migrations.c, 10): the vector is made of the texts
     * folded by util/search_fold.h where the store wrote them, with the separator between
     * letters of unspaced scripts (U+200B) made a space, which every locale's parser takes as
     * one. Then every post's vector again, and the C side folds the posts already there. */
    "ALTER TABLE posts ADD COLUMN search_title text, ADD COLUMN search_excerpt text,"
    "  ADD COLUMN search_body text;"
    "CREATE FUNCTION gazette_search_vector(title text, excerpt text, body text)"
    "  RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$ SELECT"
    "  setweight(to_tsvector('gazette'::regconfig, replace(title, chr(8203), ' ')), 'A') ||"
    "  setweight(to_tsvector('gazette'::regconfig, replace(excerpt, chr(8203), ' ')), 'B') ||"
    "  setweight(to_tsvector('gazette'::regconfig, replace(body, chr(8203), ' ')), 'C') $$;"
    "CREATE OR REPLACE FUNCTION gazette_post_search() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  NEW.search := gazette_search_vector(coalesce(NEW.search_title, NEW.title),"
    "    coalesce(NEW.search_excerpt, NEW.excerpt), coalesce(NEW.search_body, NEW.body_text));"
    "  RETURN NEW; END $$;"
    "DROP TRIGGER posts_search ON posts;"
    "CREATE TRIGGER posts_search BEFORE INSERT OR UPDATE OF title, excerpt, body_text,"
    "  search_title, search_excerpt, search_body ON posts"
    "  FOR EACH ROW EXECUTE FUNCTION gazette_post_search();"
    "UPDATE posts SET search = gazette_search_vector(title, excerpt, body_text);"
    "CREATE TABLE store_tasks (name text PRIMARY KEY);"
    "INSERT INTO store_tasks (name) VALUES ('search_fold');",
};

const size_t pg_migration_count = sizeof(pg_migrations) / sizeof(pg_migrations[0]);
