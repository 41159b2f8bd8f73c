/* statements.h: every SQL statement of the store, once, with its parameter and column counts.
 * Only store/ includes this file. */
#ifndef GAZETTE_STORE_STATEMENTS_H
#define GAZETTE_STORE_STATEMENTS_H

#include <stdbool.h>

/*
 * One text serves both engines: parameters are written ?N (pg.c sends them as $N), and a
 * parameter PostgreSQL cannot type from its context is written CAST(?N AS BIGINT/TEXT/BOOLEAN),
 * which SQLite accepts too. Where the engines truly differ (full-text search, the approved
 * comment count, ids of inserts, sequences, TRUNCATE) an entry gives .sqlite and .pg texts
 * instead of .sql; NOTHING says the engine has nothing to run. An insert that gives the caller
 * its row's id says .returns_id (SQLite reads it from the connection, pg.c adds RETURNING id).
 *
 * Each backend checks the declared counts against the prepared statement (and the readers in
 * operations.c read exactly `columns` columns), so a miscount fails when the statement is first
 * prepared, with its name; tests/unit/test_store_statements.c prepares every one on both.
 */

#define NOTHING "" /* a statement this engine has no need of: running it does nothing */

/* SQLite has one writer at a time: a counter column on the post costs nothing more. PostgreSQL
 * sums the post's striped counts (pg_migrations.c, 7). */
#define SQLITE_APPROVED_COMMENTS "p.approved_comments"
#define PG_APPROVED_COMMENTS                                                                       \
    "(SELECT coalesce(sum(cc.n), 0)::bigint FROM comment_counts cc WHERE cc.post_id = p.id)"

/* A post with its author, approved-comment count (kept by triggers), plain text, what a
 * WordPress import keeps (local time offset, post format, page order) and its featured image:
 * 25 columns, read by read_post. */
#define POST_FIELDS(approved_comments)                                                             \
    "p.id, coalesce(p.wp_id, 0), p.type, p.status, p.slug, p.path, p.title, p.excerpt,"            \
    " p.body_html, p.body_source, p.password, p.guid, coalesce(p.author_id, 0),"                   \
    " p.published_at, p.modified_at, p.comments_open, p.sticky,"                                   \
    " coalesce(u.login, ''), coalesce(u.display_name, ''), " approved_comments ", p.body_text,"    \
    " p.utc_offset, p.format, p.menu_order, coalesce(p.featured_media_id, 0)"
#define POST_FROM " FROM posts p LEFT JOIN users u ON u.id = p.author_id "
/* A statement reading posts: `before` (a WITH clause or ""), the columns, then `rest`. */
#define POST_SELECT(before, rest)                                                                  \
    .sqlite = before "SELECT " POST_FIELDS(SQLITE_APPROVED_COMMENTS) POST_FROM rest,               \
    .pg = before "SELECT " POST_FIELDS(PG_APPROVED_COMMENTS) POST_FROM rest

/* A comment: 17 columns, read by read_comment. */
#define COMMENT_COLUMNS                                                                            \
    "id, post_id, coalesce(parent_id, 0), coalesce(wp_id, 0), path, depth, author, email,"         \
    " url, ip, user_agent, body_html, body_source, status, type, held_by, created_at"              \
    " FROM comments "
/* A comment as a page shows it: 9 columns, read by read_shown_comment (a thread of 1,000
 * comments reads and copies half as much). */
#define COMMENT_SHOWN_COLUMNS                                                                      \
    "id, post_id, coalesce(parent_id, 0), depth, author, url, body_html, status, created_at"       \
    " FROM comments "
#define POST_INTO                                                                                  \
    "INSERT INTO posts (id, wp_id, type, status, slug, path, title, excerpt, body_html,"           \
    " body_source, password, guid, author_id, published_at, modified_at, comments_open, sticky,"   \
    " body_text, utc_offset, format, menu_order, search_title, search_excerpt, search_body,"       \
    " featured_media_id) "
#define COMMENT_INTO                                                                               \
    "INSERT INTO comments (id, post_id, parent_id, wp_id, depth, author, email, url, ip,"          \
    " user_agent, body_html, body_source, status, type, held_by, created_at, path) "
/* An outbox message: 13 columns, read by read_mail. */
#define MAIL_COLUMNS                                                                               \
    "id, coalesce(post_id, 0), created_at, status, sender, recipient, client_ip, message,"         \
    " attempts, next_attempt_at, claimed_at, sent_at, last_error FROM outbox "
/* A user: 8 columns, read by read_user; the table is aliased u. */
#define USER_FIELDS                                                                                \
    "u.id, u.login, u.display_name, u.email, u.role, u.disabled, u.password_hash,"                 \
    " coalesce(u.wp_id, 0), u.nicename"
#define USER_COLUMNS USER_FIELDS " FROM users u "
/* A term: 7 columns, read by read_term; the table is aliased t. */
#define TERM_COLUMNS                                                                               \
    "t.id, t.taxonomy, t.slug, t.name, t.description, coalesce(t.parent_id, 0),"                   \
    " coalesce(t.wp_id, 0) FROM terms t "
/* An audit log entry with its user's login: 7 columns, read by read_audit. */
#define AUDIT_COLUMNS                                                                              \
    "l.id, coalesce(l.user_id, 0), l.at, l.action, l.target, l.detail, coalesce(u.login, '')"      \
    " FROM audit_log l LEFT JOIN users u ON u.id = l.user_id "
/* A post revision with its user's login: 10 columns, read by read_revision. */
#define REVISION_COLUMNS                                                                           \
    "r.id, r.post_id, coalesce(r.user_id, 0), r.saved_at, r.title, r.slug, r.excerpt,"             \
    " r.body_source, r.body_html, coalesce(u.login, '')"                                           \
    " FROM post_revisions r LEFT JOIN users u ON u.id = r.user_id "
/* A comment's earlier text with its editor's login: 10 columns, read by read_comment_edit. */
#define COMMENT_EDIT_COLUMNS                                                                       \
    "e.id, e.comment_id, coalesce(e.user_id, 0), e.edited_at, e.author, e.email, e.url,"           \
    " e.body_source, e.body_html, coalesce(u.login, '')"                                           \
    " FROM comment_edits e LEFT JOIN users u ON u.id = e.user_id "

/* A media: 16 columns, read by read_media; the table is aliased m. */
#define MEDIA_COLUMNS                                                                              \
    "m.id, coalesce(m.wp_id, 0), coalesce(m.post_id, 0), coalesce(m.author_id, 0), m.file,"        \
    " m.slug, m.page_path, m.title, m.caption, m.alt, m.description, m.mime, m.width, m.height,"   \
    " m.bytes, m.created_at FROM media m "
#define MEDIA_INTO                                                                                 \
    "INSERT INTO media (id, wp_id, post_id, author_id, file, slug, page_path, title, caption,"     \
    " alt, description, mime, width, height, bytes, created_at) "
/* A media's file without its bytes: 9 columns, read by read_media_file. */
#define MEDIA_FILE_COLUMNS                                                                         \
    "id, media_id, path, size, mime, width, height, bytes, etag FROM media_files "
/* The filters of store_media_filter: ?1 a substring of title, caption, alt or file in any case
 * (NULL: any), found with `find` (SQLite's instr, PostgreSQL's strpos: % and _ are plain
 * characters); ?2 the post (0: any); ?3 only media without bytes. */
#define MEDIA_MATCHES(find, column) " OR " find "(lower(m." column "), lower(CAST(?1 AS TEXT))) > 0"
#define MEDIA_SEARCH(find)                                                                         \
    "(CAST(?1 AS TEXT) IS NULL" MEDIA_MATCHES(find, "title") MEDIA_MATCHES(find, "caption")        \
        MEDIA_MATCHES(find, "alt") MEDIA_MATCHES(find, "file") ")"
#define MEDIA_FILTER(find)                                                                         \
    "WHERE " MEDIA_SEARCH(find) " AND (CAST(?2 AS BIGINT) = 0 OR m.post_id = CAST(?2 AS BIGINT))"  \
                                " AND (NOT CAST(?3 AS BOOLEAN) OR m.bytes = 0)"

/* An insert's id, ?1: SQLite picks the next for NULL; PostgreSQL's NULL would not take the
 * column's default, so it draws from the table's sequence itself. */
#define SQLITE_NEW_ID "nullif(?1, 0)"
#define PG_NEW_ID(table) "coalesce(nullif(CAST(?1 AS BIGINT), 0), nextval('" table "_id_seq'))"
/* After an insert with the caller's id (import, copy), PostgreSQL's sequence moves past it. */
#define PG_BUMP_ID(table)                                                                          \
    .sqlite = NOTHING,                                                                             \
    .pg = "SELECT setval('" table "_id_seq', greatest((SELECT max(id) FROM " table "), 1))"

/* The filters of store_post_filter: `term` a term with its descendants, `author`, `from` and
 * `until` a date range, 0 leaving each open; `title` a substring of the title in any case
 * (NULL: any). SQLite: instr rather than LIKE, so that % and _ in it are plain characters
 * (lower() folds ASCII only); PostgreSQL: ILIKE with them escaped. */
#define TERM_TREE(term)                                                                            \
    "WITH RECURSIVE tree(id) AS (SELECT CAST(" term " AS BIGINT) UNION SELECT t.id FROM terms t"   \
    " JOIN tree ON t.parent_id = tree.id) "
#define POST_TERM_FILTER(term, author)                                                             \
    " AND (CAST(" term " AS BIGINT) = 0 OR p.id IN (SELECT post_id FROM post_terms"                \
    " WHERE term_id IN (SELECT id FROM tree)))"                                                    \
    " AND (CAST(" author " AS BIGINT) = 0 OR p.author_id = CAST(" author " AS BIGINT))"
#define POST_FILTER(type, status, term, author, from, until)                                       \
    "(CAST(" type " AS TEXT) IS NULL OR p.type = CAST(" type " AS TEXT))"                          \
    " AND (CAST(" status " AS TEXT) IS NULL OR p.status = CAST(" status                            \
    " AS TEXT))" POST_TERM_FILTER(                                                                 \
        term, author) " AND (CAST(" from                                                           \
                      " AS BIGINT) = 0 OR p.published_at + p.utc_offset >= CAST(" from             \
                      " AS BIGINT))"                                                               \
                      " AND (CAST(" until                                                          \
                      " AS BIGINT) = 0 OR p.published_at + p.utc_offset < CAST(" until             \
                      " AS BIGINT))"
#define SQLITE_TITLE_FILTER(title)                                                                 \
    " AND (" title " IS NULL OR instr(lower(p.title), lower(" title ")) > 0)"
#define PG_TITLE_FILTER(title)                                                                     \
    " AND (CAST(" title " AS TEXT) IS NULL OR p.title ILIKE '%' || replace(replace(replace("       \
    "CAST(" title " AS TEXT), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' ESCAPE '\\')"
/* ?11: newest modified first (the admin's lists), else newest published; ?3 sticky first */
#define POST_LIST_ORDER                                                                            \
    " ORDER BY CASE WHEN CAST(?3 AS BOOLEAN) THEN p.sticky ELSE false END DESC,"                   \
    " CASE WHEN CAST(?11 AS BOOLEAN) THEN p.modified_at ELSE p.published_at END DESC,"             \
    " p.id DESC LIMIT ?4 OFFSET ?5"
#define POST_LIST_WHERE "WHERE " POST_FILTER("?1", "?2", "?6", "?7", "?8", "?9")
#define POST_COUNT_WHERE                                                                           \
    "SELECT count(*) FROM posts p WHERE " POST_FILTER("?1", "?2", "?3", "?4", "?5", "?6")

/* X(name, parameters, columns, texts): every statement, in no particular order. */
#define STORE_STATEMENTS(X)                                                                        \
    X(SETTING_GET, 1, 1, .sql = "SELECT value FROM settings WHERE key = ?1")                       \
    X(SETTING_SET, 2, 0,                                                                           \
      .sql = "INSERT INTO settings (key, value) VALUES (?1, ?2)"                                   \
             " ON CONFLICT (key) DO UPDATE SET value = excluded.value")                            \
    X(SETTING_LIST, 0, 2, .sql = "SELECT key, value FROM settings ORDER BY key")                   \
    X(USER_INSERT, 9, 0, .returns_id = true,                                                       \
      .sqlite = "INSERT INTO users (id, login, display_name, email, role, disabled,"               \
                " password_hash, wp_id, nicename) VALUES (" SQLITE_NEW_ID ", ?2, ?3, ?4,"          \
                " ?5, ?6, ?7, nullif(?8, 0), ?9)",                                                 \
      .pg = "INSERT INTO users (id, login, display_name, email, role, disabled,"                   \
            " password_hash, wp_id, nicename) VALUES (" PG_NEW_ID("users") ", ?2, ?3,"             \
            " ?4, ?5, ?6, ?7, nullif(CAST(?8 AS BIGINT), 0), ?9)")                                 \
    X(USER_BUMP_ID, 0, 1, PG_BUMP_ID("users"))                                                     \
    X(USER_FIND_LOGIN, 1, 9, .sql = "SELECT " USER_COLUMNS "WHERE u.login = ?1")                   \
    X(USER_FIND_NICENAME, 1, 9,                                                                    \
      .sql = "SELECT " USER_COLUMNS "WHERE u.nicename = ?1 ORDER BY u.id LIMIT 1")                 \
    X(USER_FIND_EMAIL, 1, 9,                                                                       \
      .sql = "SELECT " USER_COLUMNS "WHERE u.email <> '' AND lower(u.email) = lower(?1)"           \
             " ORDER BY u.id LIMIT 1")                                                             \
    X(USER_GET, 1, 9, .sql = "SELECT " USER_COLUMNS "WHERE u.id = ?1")                             \
    X(USER_FIND_WP_ID, 1, 9, .sql = "SELECT " USER_COLUMNS "WHERE u.wp_id = ?1")                   \
    X(USER_LIST, 0, 9, .sql = "SELECT " USER_COLUMNS "ORDER BY u.id")                              \
    X(USER_UPDATE, 6, 0,                                                                           \
      .sql = "UPDATE users SET display_name = ?2, email = ?3, role = ?4, disabled = ?5,"           \
             " password_hash = ?6 WHERE id = ?1")                                                  \
    X(TERM_INSERT, 7, 0, .returns_id = true,                                                       \
      .sqlite = "INSERT INTO terms (id, taxonomy, slug, name, description, parent_id, wp_id)"      \
                " VALUES (" SQLITE_NEW_ID ", ?2, ?3, ?4, ?5, nullif(?6, 0), nullif(?7, 0))",       \
      .pg = "INSERT INTO terms (id, taxonomy, slug, name, description, parent_id, wp_id)"          \
            " VALUES (" PG_NEW_ID("terms") ", ?2, ?3, ?4, ?5,"                                     \
                                           " nullif(CAST(?6 AS BIGINT), 0),"                       \
                                           " nullif(CAST(?7 AS BIGINT), 0))")                      \
    X(TERM_BUMP_ID, 0, 1, PG_BUMP_ID("terms"))                                                     \
    X(TERM_FIND, 2, 7, .sql = "SELECT " TERM_COLUMNS "WHERE t.taxonomy = ?1 AND t.slug = ?2")      \
    X(TERM_GET, 1, 7, .sql = "SELECT " TERM_COLUMNS "WHERE t.id = ?1")                             \
    X(TERM_FIND_WP_ID, 2, 7,                                                                       \
      .sql = "SELECT " TERM_COLUMNS "WHERE t.taxonomy = ?1 AND t.wp_id = ?2")                      \
    X(TERM_LIST, 0, 7, .sql = "SELECT " TERM_COLUMNS "ORDER BY t.id")                              \
    X(POST_TERM_ADD, 2, 0,                                                                         \
      .sql = "INSERT INTO post_terms (post_id, term_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING")   \
    X(POST_TERMS, 1, 7,                                                                            \
      .sql = "SELECT " TERM_COLUMNS "JOIN post_terms pt ON pt.term_id = t.id"                      \
             " WHERE pt.post_id = ?1 ORDER BY t.taxonomy, t.name")                                 \
    X(POST_TERM_LIST, 0, 2,                                                                        \
      .sql = "SELECT post_id, term_id FROM post_terms ORDER BY post_id, term_id")                  \
    X(POST_TERM_CLEAR, 1, 0, .sql = "DELETE FROM post_terms WHERE post_id = ?1")                   \
    /* ?22-?24 the folded search texts (POST_SEARCH_SET), ?25 the featured image */                \
    X(POST_INSERT, 25, 0, .returns_id = true,                                                      \
      .sqlite = POST_INTO "VALUES (" SQLITE_NEW_ID ", nullif(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, ?9,"  \
                          " ?10, ?11, ?12, nullif(?13, 0), ?14, ?15, ?16, ?17, ?18, ?19, ?20,"     \
                          " ?21, ?22, ?23, ?24, nullif(?25, 0))",                                  \
      .pg = POST_INTO "VALUES (" PG_NEW_ID(                                                        \
          "posts") ", nullif(CAST(?2 AS BIGINT), 0), ?3, ?4,"                                      \
                   " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, nullif(CAST(?13 AS BIGINT), 0), ?14,"      \
                   " ?15, ?16, ?17, ?18, ?19, ?20, ?21, CAST(?22 AS TEXT), CAST(?23 AS TEXT),"     \
                   " CAST(?24 AS TEXT), nullif(CAST(?25 AS BIGINT), 0))")                          \
    X(POST_BUMP_ID, 0, 1, PG_BUMP_ID("posts"))                                                     \
    /* the folded search texts (util/search_fold.h) of a post where they differ from its own       \
     * (NULL: the same); written only when they change, since each write re-indexes the post */    \
    X(POST_SEARCH_SET, 4, 0,                                                                       \
      .sql = "UPDATE posts SET search_title = ?2, search_excerpt = ?3, search_body = ?4"           \
             " WHERE id = ?1 AND (search_title IS DISTINCT FROM ?2"                                \
             " OR search_excerpt IS DISTINCT FROM ?3 OR search_body IS DISTINCT FROM ?4)")         \
    /* what the search texts are folded from: ?1 the last id seen, ?2 how many */                  \
    X(POST_SEARCH_SOURCES, 2, 4,                                                                   \
      .sql = "SELECT id, title, excerpt, body_text FROM posts WHERE id > ?1 ORDER BY id LIMIT ?2") \
    /* a task a migration left for the C code (store_tasks); 1 when it was pending */              \
    X(STORE_TASK_PENDING, 1, 1, .sql = "SELECT 1 FROM store_tasks WHERE name = ?1")                \
    X(STORE_TASK_TAKE, 1, 0, .sql = "DELETE FROM store_tasks WHERE name = ?1")                     \
    X(POST_GET, 1, 25, POST_SELECT("", "WHERE p.id = ?1"))                                         \
    X(POST_FIND_PATH, 1, 25, POST_SELECT("", "WHERE p.path = ?1"))                                 \
    X(POST_FIND_SLUG, 1, 25, POST_SELECT("", "WHERE p.slug = ?1 ORDER BY p.id LIMIT 1"))           \
    X(POST_FIND_WP_ID, 1, 25, POST_SELECT("", "WHERE p.wp_id = ?1"))                               \
    /* a path the post had (post_old_paths), found when no post has it now */                      \
    X(POST_FIND_OLD_PATH, 1, 25,                                                                   \
      POST_SELECT("", "JOIN post_old_paths o ON o.post_id = p.id WHERE o.path = ?1"))              \
    X(POST_OLD_PATH_ADD, 2, 0,                                                                     \
      .sql = "INSERT INTO post_old_paths (path, post_id) VALUES (?1, ?2)"                          \
             " ON CONFLICT (path) DO UPDATE SET post_id = excluded.post_id")                       \
    X(POST_SET_PARENT, 2, 0,                                                                       \
      .sql = "UPDATE posts SET parent_id = nullif(CAST(?2 AS BIGINT), 0) WHERE id = ?1")           \
    X(POST_PARENT, 1, 1, .sql = "SELECT coalesce(parent_id, 0) FROM posts WHERE id = ?1")          \
    X(POST_CHILDREN, 1, 25, POST_SELECT("", "WHERE p.parent_id = ?1 ORDER BY p.id"))               \
    X(POST_ID_TAKEN, 1, 1, .sql = "SELECT 1 FROM posts WHERE id = ?1")                             \
    X(POST_SET_STATUS, 2, 0, .sql = "UPDATE posts SET status = ?2 WHERE id = ?1")                  \
    X(POST_SET_COMMENTS_OPEN, 2, 0, .sql = "UPDATE posts SET comments_open = ?2 WHERE id = ?1")    \
    /* body_text with the rest: the search triggers re-index title, excerpt and it */              \
    X(POST_UPDATE, 16, 0,                                                                          \
      .sql = "UPDATE posts SET status = ?2, slug = ?3, path = ?4, title = ?5, excerpt = ?6,"       \
             " body_html = ?7, body_source = ?8, password = ?9,"                                   \
             " author_id = nullif(CAST(?10 AS BIGINT), 0), published_at = ?11,"                    \
             " modified_at = ?12, comments_open = ?13, sticky = ?14, body_text = ?15,"             \
             " featured_media_id = nullif(CAST(?16 AS BIGINT), 0) WHERE id = ?1")                  \
    X(POST_PUBLISH_DUE, 1, 0,                                                                      \
      .sql = "UPDATE posts SET status = 'publish' WHERE status = 'future' AND published_at <= ?1") \
    /* the admin's lists: ?1 type, ?2 status, ?3 sticky first, ?4 limit, ?5 offset, ?6 term, ?7    \
     * author, ?8/?9 dates, ?10 title substring, ?11 by modified */                                \
    X(POST_LIST, 11, 25,                                                                           \
      .sqlite = TERM_TREE("?6") "SELECT " POST_FIELDS(SQLITE_APPROVED_COMMENTS)                    \
          POST_FROM POST_LIST_WHERE SQLITE_TITLE_FILTER("?10") POST_LIST_ORDER,                    \
      .pg = TERM_TREE("?6") "SELECT " POST_FIELDS(PG_APPROVED_COMMENTS)                            \
          POST_FROM POST_LIST_WHERE PG_TITLE_FILTER("?10") POST_LIST_ORDER)                        \
    /* ?1 type, ?2 status, ?3 term, ?4 author, ?5/?6 dates, ?7 title substring */                  \
    X(POST_COUNT, 7, 1, .sqlite = TERM_TREE("?3") POST_COUNT_WHERE SQLITE_TITLE_FILTER("?7"),      \
      .pg = TERM_TREE("?3") POST_COUNT_WHERE PG_TITLE_FILTER("?7"))                                \
    /* Listings readers see: type and status compared plainly and the dates as a range, so the     \
     * listing index gives the order and the page without sorting every post. ?1 type, ?2          \
     * status, ?3 term, ?4 author, ?5/?6 dates, ?7 limit, ?8 offset */                             \
    X(POST_LIST_PUBLIC, 8, 25,                                                                     \
      POST_SELECT(TERM_TREE("?3"),                                                                 \
                  "WHERE p.type = ?1 AND p.status = ?2 AND p.published_at + p.utc_offset >= ?5"    \
                  " AND p.published_at + p.utc_offset < ?6" POST_TERM_FILTER(                      \
                      "?3", "?4") " ORDER BY p.published_at DESC, p.id DESC LIMIT ?7 OFFSET ?8"))  \
    /* the front page: ?1 type, ?2 status, ?3 limit, ?4 offset */                                  \
    X(POST_LIST_FRONT, 4, 25,                                                                      \
      POST_SELECT("", "WHERE p.type = ?1 AND p.status = ?2"                                        \
                      " ORDER BY p.sticky DESC, p.published_at DESC, p.id DESC"                    \
                      " LIMIT ?3 OFFSET ?4"))                                                      \
    X(POST_PREVIOUS, 2, 25,                                                                        \
      POST_SELECT("", "WHERE p.type = 'post' AND p.status = 'publish'"                             \
                      " AND (p.published_at < ?1 OR (p.published_at = ?1 AND p.id < ?2))"          \
                      " ORDER BY p.published_at DESC, p.id DESC LIMIT 1"))                         \
    X(POST_NEXT, 2, 25,                                                                            \
      POST_SELECT("", "WHERE p.type = 'post' AND p.status = 'publish'"                             \
                      " AND (p.published_at > ?1 OR (p.published_at = ?1 AND p.id > ?2))"          \
                      " ORDER BY p.published_at, p.id LIMIT 1"))                                   \
    /* ?1 the engine's query (store_engine.search_query), ?2 limit, ?3 offset; the post and a      \
     * snippet with the matches between \x01 and \x02 */                                           \
    X(SEARCH, 3, 26,                                                                               \
      .sqlite = "SELECT " POST_FIELDS(                                                             \
          SQLITE_APPROVED_COMMENTS) ", snippet(posts_fts, 2, char(1), char(2), '…', 24)"         \
                                    " FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid"       \
                                    " LEFT JOIN users u ON u.id = p.author_id"                     \
                                    " WHERE posts_fts MATCH ?1 AND p.status = 'publish'"           \
                                    " AND p.password = ''"                                         \
                                    " ORDER BY bm25(posts_fts, 10.0, 4.0, 1.0), p.published_at"    \
                                    " DESC LIMIT ?2 OFFSET ?3",                                    \
      .pg =                                                                                        \
          "SELECT " POST_FIELDS(PG_APPROVED_COMMENTS) ", ts_headline('gazette',"                   \
                                                      " coalesce(p.search_body, p.body_text), q,"  \
                                                      " 'StartSel=' || chr(1) || ', StopSel='"     \
                                                      " || chr(2) || ', MaxWords=35, "             \
                                                      "MinWords=15')" POST_FROM                    \
                                                      ", to_tsquery('gazette', ?1) q"              \
                                                      " WHERE p.search @@ q AND p.status ="        \
                                                      " 'publish' AND p.password = ''"             \
                                                      " ORDER BY ts_rank_cd('{0.1, 0.2, 0.4,"      \
                                                      " 1.0}', p.search, q) DESC,"                 \
                                                      " p.published_at DESC LIMIT ?2 OFFSET ?3")   \
    X(SEARCH_COUNT, 1, 1,                                                                          \
      .sqlite = "SELECT count(*) FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid"            \
                " WHERE posts_fts MATCH ?1 AND p.status = 'publish' AND p.password = ''",          \
      .pg = "SELECT count(*) FROM posts p WHERE p.search @@ to_tsquery('gazette', ?1)"             \
            " AND p.status = 'publish' AND p.password = ''")                                       \
    X(COMMENT_INSERT, 17, 0, .returns_id = true,                                                   \
      .sqlite = COMMENT_INTO "VALUES (" SQLITE_NEW_ID ", ?2, nullif(?3, 0), nullif(?4, 0), ?5,"    \
                             " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",           \
      .pg = COMMENT_INTO "VALUES (" PG_NEW_ID(                                                     \
          "comments") ", ?2, nullif(CAST(?3 AS BIGINT), 0),"                                       \
                      " nullif(CAST(?4 AS BIGINT), 0), ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"    \
                      " ?14, ?15, ?16, ?17)")                                                      \
    X(COMMENT_BUMP_ID, 0, 1, PG_BUMP_ID("comments"))                                               \
    /* The path goes in with the row: no second write (store.h). ?1 is 0; SQLite's next id is      \
     * the one it picks for an INTEGER PRIMARY KEY (the largest plus one). */                      \
    X(COMMENT_ADD, 17, 0, .returns_id = true,                                                      \
      .sqlite = COMMENT_INTO "SELECT n.id, ?2, nullif(?3, 0), nullif(?4, 0), ?5, ?6, ?7, ?8, ?9,"  \
                             " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17 || printf('%08x%08x',"       \
                             " max(?16, 0) & 4294967295, n.id & 4294967295)"                       \
                             " FROM (SELECT coalesce(max(id), 0) + 1 AS id"                        \
                             " FROM comments) n",                                                  \
      .pg = COMMENT_INTO "SELECT n.id, ?2, nullif(CAST(?3 AS BIGINT), 0),"                         \
                         " nullif(CAST(?4 AS BIGINT), 0), ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13," \
                         " ?14, ?15, ?16, ?17"                                                     \
                         " || lpad(to_hex(greatest(CAST(?16 AS BIGINT), 0) & 4294967295), 8, '0')" \
                         " || lpad(to_hex(n.id & 4294967295), 8, '0')"                             \
                         " FROM (SELECT " PG_NEW_ID("comments") " AS id) n")                       \
    X(COMMENT_GET, 1, 17, .sql = "SELECT " COMMENT_COLUMNS "WHERE id = ?1")                        \
    X(COMMENT_FIND_WP_ID, 2, 17,                                                                   \
      .sql = "SELECT " COMMENT_COLUMNS "WHERE post_id = ?1 AND wp_id = ?2")                        \
    X(COMMENT_ID_TAKEN, 1, 1, .sql = "SELECT 1 FROM comments WHERE id = ?1")                       \
    X(COMMENT_HAS_REPLIES, 1, 1, .sql = "SELECT 1 FROM comments WHERE parent_id = ?1 LIMIT 1")     \
    /* a moderator's decision wins over the status a comment trashed with its post kept */         \
    X(COMMENT_SET_STATUS, 2, 0,                                                                    \
      .sql = "UPDATE comments SET status = ?2, trashed_status = '' WHERE id = ?1")                 \
    /* one status: the index (post_id, type, status, path) gives the order, no sorting */          \
    X(COMMENT_THREAD, 2, 9,                                                                        \
      .sql = "SELECT " COMMENT_SHOWN_COLUMNS                                                       \
             "WHERE post_id = ?1 AND type = 'comment' AND status = ?2 ORDER BY path")              \
    /* the approved thread's shape, for the count readers see: the same index as COMMENT_THREAD */ \
    X(COMMENT_THREAD_SHAPE, 1, 2,                                                                  \
      .sql = "SELECT id, coalesce(parent_id, 0) FROM comments WHERE post_id = ?1"                  \
             " AND type = 'comment' AND status = 'approved' ORDER BY path")                        \
    X(COMMENT_THREAD_ANY, 1, 9,                                                                    \
      .sql = "SELECT " COMMENT_SHOWN_COLUMNS "WHERE post_id = ?1 AND type = 'comment'"             \
             " ORDER BY path")                                                                     \
    /* ?1 status, ?2 post, ?3 limit, ?4 type, ?5 public posts only, ?6 post author, ?7 offset */   \
    X(COMMENT_LIST, 7, 17,                                                                         \
      .sql = "SELECT " COMMENT_COLUMNS                                                             \
             "WHERE (CAST(?1 AS TEXT) IS NULL OR status = CAST(?1 AS TEXT))"                       \
             " AND (CAST(?2 AS BIGINT) = 0 OR post_id = CAST(?2 AS BIGINT))"                       \
             " AND (CAST(?4 AS TEXT) IS NULL OR type = CAST(?4 AS TEXT))"                          \
             " AND (NOT CAST(?5 AS BOOLEAN) OR post_id IN (SELECT id FROM posts"                   \
             " WHERE status = 'publish' AND password = ''))"                                       \
             " AND (CAST(?6 AS BIGINT) = 0 OR post_id IN (SELECT id FROM posts"                    \
             " WHERE author_id = CAST(?6 AS BIGINT)))"                                             \
             " ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?7")                              \
    /* lower(email) and the status as the index comments_approved_author has them */               \
    X(COMMENT_AUTHOR_APPROVED, 2, 1,                                                               \
      .sql = "SELECT 1 FROM comments WHERE lower(email) = lower(?2) AND author = ?1"               \
             " AND status = 'approved' LIMIT 1")                                                   \
    X(COMMENT_COUNT_IP, 2, 1,                                                                      \
      .sql = "SELECT count(*) FROM comments WHERE ip = ?1 AND created_at >= ?2")                   \
    X(COMMENT_COUNTS, 1, 4,                                                                        \
      .sql = "SELECT count(CASE WHEN status = 'pending' THEN 1 END),"                              \
             " count(CASE WHEN status = 'approved' THEN 1 END),"                                   \
             " count(CASE WHEN status = 'spam' THEN 1 END),"                                       \
             " count(CASE WHEN status = 'trash' THEN 1 END) FROM comments WHERE type = 'comment'"  \
             " AND (CAST(?1 AS BIGINT) = 0 OR post_id IN (SELECT id FROM posts"                    \
             " WHERE author_id = CAST(?1 AS BIGINT)))")                                            \
    X(COMMENT_UPDATE, 6, 0,                                                                        \
      .sql = "UPDATE comments SET author = ?2, email = ?3, url = ?4, body_source = ?5,"            \
             " body_html = ?6 WHERE id = ?1")                                                      \
    /* the foreign key of replies refuses it for a comment with replies: STORE_CONFLICT */         \
    X(COMMENT_DELETE, 1, 0, .sql = "DELETE FROM comments WHERE id = ?1")                           \
    X(COMMENT_EDIT_INSERT, 8, 0,                                                                   \
      .sql = "INSERT INTO comment_edits (comment_id, user_id, edited_at, author, email, url,"      \
             " body_source, body_html) VALUES (?1, nullif(CAST(?2 AS BIGINT), 0), ?3, ?4, ?5,"     \
             " ?6, ?7, ?8)")                                                                       \
    X(COMMENT_EDIT_LIST, 1, 10,                                                                    \
      .sql = "SELECT " COMMENT_EDIT_COLUMNS "WHERE e.comment_id = ?1"                              \
             " ORDER BY e.edited_at DESC, e.id DESC")                                              \
    X(REVISION_INSERT, 8, 0,                                                                       \
      .sql = "INSERT INTO post_revisions (post_id, user_id, saved_at, title, slug, excerpt,"       \
             " body_source, body_html) VALUES (?1, nullif(CAST(?2 AS BIGINT), 0), ?3, ?4, ?5, ?6," \
             " ?7, ?8)")                                                                           \
    X(REVISION_TRIM, 2, 0,                                                                         \
      .sql = "DELETE FROM post_revisions WHERE post_id = ?1 AND id NOT IN"                         \
             " (SELECT id FROM post_revisions WHERE post_id = ?1"                                  \
             " ORDER BY saved_at DESC, id DESC LIMIT ?2)")                                         \
    X(REVISION_LIST, 1, 10,                                                                        \
      .sql =                                                                                       \
          "SELECT " REVISION_COLUMNS "WHERE r.post_id = ?1 ORDER BY r.saved_at DESC, r.id DESC")   \
    X(REVISION_GET, 1, 10, .sql = "SELECT " REVISION_COLUMNS "WHERE r.id = ?1")                    \
    X(SESSION_INSERT, 5, 0,                                                                        \
      .sql = "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)"            \
             " VALUES (?1, ?2, ?3, ?4, ?5)")                                                       \
    /* the user's 8 columns (read_user), then token_hash, csrf, created_at and expires_at */       \
    X(SESSION_FIND, 2, 13,                                                                         \
      .sql = "SELECT " USER_FIELDS ", s.token_hash, s.csrf, s.created_at, s.expires_at"            \
             " FROM sessions s JOIN users u ON u.id = s.user_id"                                   \
             " WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND NOT u.disabled")                  \
    X(SESSION_DELETE, 1, 0, .sql = "DELETE FROM sessions WHERE token_hash = ?1")                   \
    X(SESSION_DELETE_USER, 1, 0, .sql = "DELETE FROM sessions WHERE user_id = ?1")                 \
    X(SESSION_PURGE, 1, 0, .sql = "DELETE FROM sessions WHERE expires_at <= ?1")                   \
    X(LOGIN_FAILURE_ADD, 3, 0,                                                                     \
      .sql = "INSERT INTO login_failures (ip, login, at) VALUES (?1, ?2, ?3)")                     \
    X(LOGIN_FAILURES, 3, 2,                                                                        \
      .sql = "SELECT (SELECT count(*) FROM login_failures WHERE ip = ?1 AND at >= ?3),"            \
             " (SELECT count(*) FROM login_failures WHERE login = ?2 AND at >= ?3)")               \
    X(LOGIN_FAILURES_CLEAR, 1, 0, .sql = "DELETE FROM login_failures WHERE login = ?1")            \
    X(LOGIN_FAILURE_REMOVE, 3, 0,                                                                  \
      .sql = "DELETE FROM login_failures WHERE id = (SELECT id FROM login_failures"                \
             " WHERE ip = ?1 AND login = ?2 AND at = ?3 LIMIT 1)")                                 \
    X(POST_PASSWORD_FAILURE_ADD, 3, 0,                                                             \
      .sql = "INSERT INTO post_password_failures (ip, post_id, at) VALUES (?1, ?2, ?3)")           \
    X(POST_PASSWORD_FAILURES, 3, 1,                                                                \
      .sql = "SELECT count(*) FROM post_password_failures WHERE ip = ?1 AND post_id = ?2"          \
             " AND at >= ?3")                                                                      \
    X(POST_PASSWORD_FAILURE_REMOVE, 3, 0,                                                          \
      .sql = "DELETE FROM post_password_failures WHERE id = (SELECT id"                            \
             " FROM post_password_failures WHERE ip = ?1 AND post_id = ?2 AND at = ?3 LIMIT 1)")   \
    X(AUDIT_INSERT, 5, 0,                                                                          \
      .sql = "INSERT INTO audit_log (user_id, at, action, target, detail)"                         \
             " VALUES (nullif(CAST(?1 AS BIGINT), 0), ?2, ?3, ?4, ?5)")                            \
    X(AUDIT_LIST, 2, 7,                                                                            \
      .sql = "SELECT " AUDIT_COLUMNS "ORDER BY l.at DESC, l.id DESC LIMIT ?1 OFFSET ?2")           \
    X(MAIL_INSERT, 7, 0, .returns_id = true,                                                       \
      .sql = "INSERT INTO outbox (post_id, created_at, status, sender, recipient, client_ip,"      \
             " message, attempts, next_attempt_at) VALUES (nullif(CAST(?1 AS BIGINT), 0), ?2,"     \
             " 'queued', ?3, ?4, ?5, ?6, 0, ?7)")                                                  \
    X(MAIL_DUE, 2, 13,                                                                             \
      .sql = "SELECT " MAIL_COLUMNS "WHERE status = 'queued' AND next_attempt_at <= ?1"            \
             " ORDER BY next_attempt_at, id LIMIT ?2")                                             \
    X(MAIL_CLAIM, 2, 0,                                                                            \
      .sql = "UPDATE outbox SET status = 'sending', claimed_at = ?2"                               \
             " WHERE id = ?1 AND status = 'queued'")                                               \
    X(MAIL_FINISH, 6, 0,                                                                           \
      .sql = "UPDATE outbox SET status = ?2, attempts = ?3, next_attempt_at = ?4, sent_at = ?5,"   \
             " last_error = ?6, claimed_at = 0 WHERE id = ?1")                                     \
    X(MAIL_RELEASE, 1, 0,                                                                          \
      .sql = "UPDATE outbox SET status = 'queued', claimed_at = 0"                                 \
             " WHERE status = 'sending' AND claimed_at < ?1")                                      \
    X(MAIL_REQUEUE, 2, 0,                                                                          \
      .sql = "UPDATE outbox SET status = 'queued', next_attempt_at = ?2, claimed_at = 0"           \
             " WHERE id = ?1 AND status IN ('queued', 'sending', 'failed')")                       \
    X(MAIL_LIST, 0, 13, .sql = "SELECT " MAIL_COLUMNS "ORDER BY id DESC")                          \
    X(MAIL_GET, 1, 13, .sql = "SELECT " MAIL_COLUMNS "WHERE id = ?1")                              \
    X(MAIL_RECENT, 3, 2,                                                                           \
      .sql = "SELECT (SELECT count(*) FROM outbox WHERE client_ip = ?1 AND created_at >= ?3),"     \
             " (SELECT count(*) FROM outbox WHERE recipient = ?2 AND created_at >= ?3)")           \
    /* SQLite: BEGIN IMMEDIATE already makes write transactions run one at a time. PostgreSQL:     \
     * one key for both hourly limits (per client address, per recipient): sends are few, and a    \
     * single key cannot deadlock, where two per-send keys taken by a batch of group commit could  \
     * (batches on two nodes locking the same keys in opposite orders). */                         \
    X(MAIL_LOCK_LIMITS, 0, 1, .sqlite = NOTHING, .pg = "SELECT pg_advisory_xact_lock(7413571)")    \
    /* What a WordPress import keeps beside a post (wxr_import.c): a term whose parent came        \
     * later in the file gets its name, parent and WordPress ID (unless it has one) when it        \
     * comes */                                                                                    \
    X(TERM_UPDATE, 5, 0,                                                                           \
      .sql = "UPDATE terms SET name = ?2, description = ?3,"                                       \
             " parent_id = nullif(CAST(?4 AS BIGINT), 0),"                                         \
             " wp_id = coalesce(wp_id, nullif(CAST(?5 AS BIGINT), 0)) WHERE id = ?1")              \
    X(CUSTOM_FIELD_ADD, 3, 0,                                                                      \
      .sql = "INSERT INTO custom_fields (post_id, name, value) VALUES (?1, ?2, ?3)")               \
    X(CUSTOM_FIELDS, 1, 2,                                                                         \
      .sql = "SELECT name, value FROM custom_fields WHERE post_id = ?1 ORDER BY id")               \
    /* ?1 id (0: the store picks), ?2 menu, ?3 parent, ?4 position, ?5 title, ?6 post, ?7 term,    \
     * ?8 url */                                                                                   \
    X(MENU_ITEM_INSERT, 8, 0, .returns_id = true,                                                  \
      .sqlite = "INSERT INTO menu_items (id, menu, parent_id, position, title, post_id, term_id,"  \
                " url) VALUES (" SQLITE_NEW_ID ", ?2, nullif(?3, 0), ?4, ?5, nullif(?6, 0),"       \
                " nullif(?7, 0), ?8)",                                                             \
      .pg =                                                                                        \
          "INSERT INTO menu_items (id, menu, parent_id, position, title, post_id, term_id, url)"   \
          " VALUES (" PG_NEW_ID(                                                                   \
              "menu_items") ", ?2, nullif(CAST(?3 AS BIGINT), 0), ?4, ?5,"                         \
                            " nullif(CAST(?6 AS BIGINT), 0), nullif(CAST(?7 AS BIGINT), 0), ?8)")  \
    X(MENU_ITEM_BUMP_ID, 0, 1, PG_BUMP_ID("menu_items"))                                           \
    X(MENU_CLEAR, 1, 0, .sql = "DELETE FROM menu_items WHERE menu = ?1")                           \
    /* a menu in order (position, then id), with what each item points at: one query a page */     \
    X(MENU_ITEMS, 1, 15,                                                                           \
      .sql = "SELECT m.id, m.menu, coalesce(m.parent_id, 0), m.position, m.title,"                 \
             " coalesce(m.post_id, 0), coalesce(m.term_id, 0), m.url, coalesce(p.path, ''),"       \
             " coalesce(p.title, ''), coalesce(p.status, 'draft'), coalesce(t.taxonomy, ''),"      \
             " coalesce(t.slug, ''), coalesce(t.name, ''), coalesce(t.parent_id, 0)"               \
             " FROM menu_items m LEFT JOIN posts p ON p.id = m.post_id"                            \
             " LEFT JOIN terms t ON t.id = m.term_id WHERE m.menu = ?1"                            \
             " ORDER BY m.position, m.id")                                                         \
    /* the published pages in their WordPress order (menu_order, then title) */                    \
    X(PAGE_LIST, 1, 25,                                                                            \
      POST_SELECT("", "WHERE p.type = 'page' AND p.status = 'publish' AND p.password = ''"         \
                      " ORDER BY p.menu_order, p.title, p.id LIMIT ?1"))                           \
    /* a comment trashed with its post keeps the status it goes back to (WordPress's               \
     * post-trashed) */                                                                            \
    X(COMMENT_SET_TRASHED_WITH_POST, 2, 0,                                                         \
      .sql = "UPDATE comments SET status = 'trash', trashed_status = ?2 WHERE id = ?1")            \
    X(COMMENTS_TRASH_WITH_POST, 1, 0,                                                              \
      .sql = "UPDATE comments SET trashed_status = status, status = 'trash'"                       \
             " WHERE post_id = ?1 AND status <> 'trash' AND trashed_status = ''")                  \
    X(COMMENTS_RESTORE_WITH_POST, 1, 0,                                                            \
      .sql = "UPDATE comments SET status = trashed_status, trashed_status = ''"                    \
             " WHERE post_id = ?1 AND trashed_status <> ''")                                       \
    /* --- media and their files --- */                                                            \
    X(MEDIA_INSERT, 16, 0, .returns_id = true,                                                     \
      .sqlite = MEDIA_INTO "VALUES (" SQLITE_NEW_ID ", nullif(?2, 0), nullif(?3, 0),"              \
                           " nullif(?4, 0), ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"     \
                           " ?16)",                                                                \
      .pg =                                                                                        \
          MEDIA_INTO "VALUES (" PG_NEW_ID("media") ", nullif(CAST(?2 AS BIGINT), 0),"              \
                                                   " nullif(CAST(?3 AS BIGINT), 0),"               \
                                                   " nullif(CAST(?4 AS BIGINT), 0), ?5, ?6, ?7,"   \
                                                   " ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)")  \
    X(MEDIA_BUMP_ID, 0, 1, PG_BUMP_ID("media"))                                                    \
    X(MEDIA_UPDATE, 15, 0,                                                                         \
      .sql = "UPDATE media SET post_id = nullif(CAST(?2 AS BIGINT), 0),"                           \
             " author_id = nullif(CAST(?3 AS BIGINT), 0), file = ?4, slug = ?5, page_path = ?6,"   \
             " title = ?7, caption = ?8, alt = ?9, description = ?10, mime = ?11, width = ?12,"    \
             " height = ?13, bytes = ?14, created_at = ?15 WHERE id = ?1")                         \
    X(MEDIA_GET, 1, 16, .sql = "SELECT " MEDIA_COLUMNS "WHERE m.id = ?1")                          \
    X(MEDIA_FIND_WP_ID, 1, 16, .sql = "SELECT " MEDIA_COLUMNS "WHERE m.wp_id = ?1")                \
    X(MEDIA_FIND_FILE, 1, 16, .sql = "SELECT " MEDIA_COLUMNS "WHERE m.file = ?1")                  \
    X(MEDIA_FIND_PAGE, 1, 16,                                                                      \
      .sql = "SELECT " MEDIA_COLUMNS "WHERE m.page_path = ?1 AND m.page_path <> ''")               \
    /* newest first: ?1-?3 MEDIA_FILTER, ?4 limit, ?5 offset */                                    \
    X(MEDIA_LIST, 5, 16,                                                                           \
      .sqlite = "SELECT " MEDIA_COLUMNS MEDIA_FILTER(                                              \
          "instr") " ORDER BY m.created_at DESC, m.id DESC LIMIT ?4 OFFSET ?5",                    \
      .pg = "SELECT " MEDIA_COLUMNS MEDIA_FILTER(                                                  \
          "strpos") " ORDER BY m.created_at DESC, m.id DESC LIMIT ?4 OFFSET ?5")                   \
    X(MEDIA_COUNT, 3, 1, .sqlite = "SELECT count(*) FROM media m " MEDIA_FILTER("instr"),          \
      .pg = "SELECT count(*) FROM media m " MEDIA_FILTER("strpos"))                                \
    /* its files go with it (ON DELETE CASCADE), posts featuring it feature none (SET NULL) */     \
    X(MEDIA_DELETE, 1, 0, .sql = "DELETE FROM media WHERE id = ?1")                                \
    /* the file now at path ?1 and its media, which store_media_file_put replaces or refuses */    \
    X(MEDIA_FILE_OWNER, 1, 2, .sql = "SELECT id, media_id FROM media_files WHERE path = ?1")       \
    /* ?1 id (0: the store picks), ?2 media, ?3 path, ?4 size, ?5 mime, ?6/?7 width and height,    \
     * ?8 bytes, ?9 etag, ?10 the bytes themselves */                                              \
    X(MEDIA_FILE_INSERT, 10, 0, .returns_id = true,                                                \
      .sqlite = "INSERT INTO media_files (id, media_id, path, size, mime, width, height, bytes,"   \
                " etag, data) VALUES (" SQLITE_NEW_ID ", ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",    \
      .pg = "INSERT INTO media_files (id, media_id, path, size, mime, width, height, bytes, etag," \
            " data) VALUES (" PG_NEW_ID("media_files") ", ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")   \
    X(MEDIA_FILE_BUMP_ID, 0, 1, PG_BUMP_ID("media_files"))                                         \
    X(MEDIA_FILE_REPLACE, 8, 0,                                                                    \
      .sql = "UPDATE media_files SET size = ?2, mime = ?3, width = ?4, height = ?5, bytes = ?6,"   \
             " etag = ?7, data = ?8 WHERE id = ?1")                                                \
    X(MEDIA_FILE_FIND, 1, 9, .sql = "SELECT " MEDIA_FILE_COLUMNS "WHERE path = ?1")                \
    X(MEDIA_FILE_DATA, 1, 1, .sql = "SELECT data FROM media_files WHERE path = ?1")                \
    /* (PostgreSQL's paths sort by bytes, "C", as SQLite's do) */                                  \
    X(MEDIA_FILES, 1, 9,                                                                           \
      .sql = "SELECT " MEDIA_FILE_COLUMNS "WHERE media_id = ?1 ORDER BY width, path")              \
    X(MEDIA_FILES_CLEAR, 1, 0, .sql = "DELETE FROM media_files WHERE media_id = ?1")               \
    X(COUNTS, 0, 6,                                                                                \
      .sql = "SELECT (SELECT count(*) FROM settings), (SELECT count(*) FROM users),"               \
             " (SELECT count(*) FROM terms), (SELECT count(*) FROM posts),"                        \
             " (SELECT count(*) FROM post_terms), (SELECT count(*) FROM comments)")                \
    X(DEFER_CONSTRAINTS, 0, 0, .sqlite = "PRAGMA defer_foreign_keys = ON",                         \
      .pg = "SET CONSTRAINTS ALL DEFERRED")                                                        \
    /* gazette copy (store/copy.c): the schema's tables and each table's columns with their        \
     * types, from the catalog; the engine's own tables (sqlite_*) are not the site's. */          \
    X(TABLES, 0, 1,                                                                                \
      .sqlite = "SELECT name FROM sqlite_master WHERE type = 'table'"                              \
                " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",                       \
      .pg = "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()"            \
            " ORDER BY 1")                                                                         \
    X(TABLE_COLUMNS, 1, 2,                                                                         \
      .sqlite = "SELECT name, lower(type) FROM pragma_table_info(?1) ORDER BY cid",                \
      .pg = "SELECT column_name::text, data_type::text FROM information_schema.columns"            \
            " WHERE table_schema = current_schema() AND table_name = CAST(?1 AS TEXT)"             \
            " ORDER BY ordinal_position")                                                          \
    /* The statements store/copy.c builds for one table from the texts below (the table and        \
     * column names come from the catalog, quoted); this entry names them in messages. */          \
    X(TABLE_ROWS, 0, 0, .sql = NOTHING)                                                            \
    /* store_clear: PostgreSQL truncates every table at once (each that references another         \
     * truncated one must be named too); SQLite deletes referencing tables before those they       \
     * reference. */                                                                               \
    X(CLEAR_ALL, 0, 0, .sqlite = NOTHING,                                                          \
      .pg = "TRUNCATE sessions, login_failures, post_password_failures, audit_log,"                \
            " post_revisions, comment_edits, outbox, comment_counts, comments, post_terms,"        \
            " custom_fields, menu_items, post_old_paths, media_files, media, posts, terms, users," \
            " settings")                                                                           \
    X(CLEAR_SESSIONS, 0, 0, .sqlite = "DELETE FROM sessions", .pg = NOTHING)                       \
    X(CLEAR_LOGIN_FAILURES, 0, 0, .sqlite = "DELETE FROM login_failures", .pg = NOTHING)           \
    X(CLEAR_POST_PASSWORD_FAILURES, 0, 0, .sqlite = "DELETE FROM post_password_failures",          \
      .pg = NOTHING)                                                                               \
    X(CLEAR_AUDIT_LOG, 0, 0, .sqlite = "DELETE FROM audit_log", .pg = NOTHING)                     \
    X(CLEAR_POST_REVISIONS, 0, 0, .sqlite = "DELETE FROM post_revisions", .pg = NOTHING)           \
    X(CLEAR_COMMENT_EDITS, 0, 0, .sqlite = "DELETE FROM comment_edits", .pg = NOTHING)             \
    X(CLEAR_OUTBOX, 0, 0, .sqlite = "DELETE FROM outbox", .pg = NOTHING)                           \
    X(CLEAR_COMMENTS, 0, 0, .sqlite = "DELETE FROM comments", .pg = NOTHING)                       \
    X(CLEAR_POST_TERMS, 0, 0, .sqlite = "DELETE FROM post_terms", .pg = NOTHING)                   \
    X(CLEAR_CUSTOM_FIELDS, 0, 0, .sqlite = "DELETE FROM custom_fields", .pg = NOTHING)             \
    X(CLEAR_MENU_ITEMS, 0, 0, .sqlite = "DELETE FROM menu_items", .pg = NOTHING)                   \
    X(CLEAR_POST_OLD_PATHS, 0, 0, .sqlite = "DELETE FROM post_old_paths", .pg = NOTHING)           \
    X(CLEAR_MEDIA_FILES, 0, 0, .sqlite = "DELETE FROM media_files", .pg = NOTHING)                 \
    X(CLEAR_MEDIA, 0, 0, .sqlite = "DELETE FROM media", .pg = NOTHING)                             \
    X(CLEAR_POSTS, 0, 0, .sqlite = "DELETE FROM posts", .pg = NOTHING)                             \
    X(CLEAR_TERMS, 0, 0, .sqlite = "DELETE FROM terms", .pg = NOTHING)                             \
    X(CLEAR_USERS, 0, 0, .sqlite = "DELETE FROM users", .pg = NOTHING)                             \
    X(CLEAR_SETTINGS, 0, 0, .sqlite = "DELETE FROM settings", .pg = NOTHING)

/* store/copy.c's texts (printf formats): the rows of a table, a row into it, and on PostgreSQL
 * its id sequence moved past the ids copied (a table with an id column has TABLE_id_seq). */
#define TABLE_SELECT_FORMAT "SELECT %s FROM \"%s\""
/* a table with bytes (and an id), a few rows at a time: ?1 the last id read, then how many */
#define TABLE_SELECT_AFTER_FORMAT "SELECT %s FROM \"%s\" WHERE id > ?1 ORDER BY id LIMIT %d"
#define TABLE_INSERT_FORMAT "INSERT INTO \"%s\" (%s) VALUES (%s)"
#define TABLE_DELETE_FORMAT "DELETE FROM \"%s\""
#define TABLE_BUMP_ID_FORMAT                                                                       \
    "SELECT setval(c.oid::regclass, greatest((SELECT max(id) FROM \"%s\"), 1)) FROM pg_class c"    \
    " WHERE c.relkind = 'S' AND c.relname = '%s_id_seq'"

#define STATEMENT_ENUM(name, ...) STATEMENT_##name,
enum statement_id { STORE_STATEMENTS(STATEMENT_ENUM) STATEMENT_COUNT };

struct statement {
    const char *name;        /* "POST_GET", for messages */
    int parameters;          /* ?1 … ?parameters, each used */
    int columns;             /* of each row it returns */
    bool returns_id;         /* an insert that reports its new row's id (insert_id) */
    const char *sql;         /* the text for both engines, or NULL: */
    const char *sqlite, *pg; /* each engine's own text (NOTHING: none to run) */
};

extern const struct statement store_statements[STATEMENT_COUNT];

/* The text `id` runs on SQLite (postgres false) or PostgreSQL; NOTHING when none. */
static inline const char *statement_text(enum statement_id id, bool postgres)
{
    const struct statement *st = &store_statements[id];
    return st->sql ? st->sql : postgres ? st->pg : st->sqlite;
}

#endif
