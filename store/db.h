/*
** store/db.h -- the two backends store/ speaks SQL through: SQLite (a
** path, the embedded default) and PostgreSQL (a postgresql:// URL, issue
** 16). Inside store/ only; nothing outside it learns which one is in use.
**
** The calls mirror SQLite's C API and answer with its codes (SQLITE_ROW,
** SQLITE_DONE, SQLITE_INTEGER...), so the files of store/ read as they did: each
** db_* call is SQLite's own when the statement is SQLite's (inline, no
** extra work on the insert path), else the libpq driver's (db_pg.c).
**
** The SQL of store_sql[] and the migrations is written once, SQLite's
** way; the PostgreSQL driver rewrites it when it prepares a statement
** (db_pg.c: `?N` placeholders, INSERT OR IGNORE, IS, NULL ordering,
** column types), and what cannot be rewritten lives in the dialect table
** (dialect.c).
**
** Owns: a db_stmt (heap) owns its backend statement; db_finalize
** releases both.
** Borrowed: column text is valid until the next step or reset.
*/
#ifndef PODIUM_STORE_DB_H
#define PODIUM_STORE_DB_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include "core/err.h"

struct pg_conn;
struct pg_stmt;

typedef struct db_stmt {
  sqlite3_stmt *lite;    /* one of the two */
  struct pg_stmt *pg;
} db_stmt;

/* ---- the dialect table (dialect.c): SQL that differs by backend ------- */
enum {
  D_OPEN,           /* settings of a new connection */
  D_BEGIN_WRITE,    /* a writing transaction, one writer at a time */
  D_BEGIN_READ,     /* one snapshot, read only */
  D_TABLES,         /* the names of the tables, one per row */
  D_INTEGRITY,      /* pages and indexes (NULL: the server's own care) */
  D_FOREIGN,        /* dangling references (NULL: the server refuses them) */
  D_EXPLAIN,        /* "%s": a query's plan, the detail in the last column */
  D_COUNT_
};
extern const char *const store_dialect[D_COUNT_][2];   /* [d][is_pg] */
/* Statements PostgreSQL cannot take in SQLite's form (by Q_ number);
** NULL: the translation of store_sql[q]. */
const char *store_pg_override(int q);
/* Tables no foreign key points at: changing their rows cascades nowhere
** (rows waiting for COPY need not be sent first); NULL-terminated. */
extern const char *const store_pg_leaves[];
/* Tables whose inserts may wait for COPY, parents before children (rows
** are sent in this order); NULL-terminated. */
extern const char *const store_pg_copy_order[];
/* sql with the pieces PostgreSQL refuses replaced (caller frees). */
char *store_pg_patch(const char *sql);

/* ---- PostgreSQL driver (db_pg.c) -------------------------------------- */
int db_is_url(const char *target);   /* postgresql:// or postgres:// */
/* Connects; the URL must not hold a password (libpq's PGPASSWORD,
** .pgpass or PGPASSFILE give it). err names the URL, never a secret. */
int pgc_connect(const char *url, struct pg_conn **out, char err[POD_ERRLEN]);
void pgc_close(struct pg_conn *c);
int pgc_exec(struct pg_conn *c, const char *sql);   /* SQLITE_OK/_ERROR */
/* SQLite's text (migrations), rewritten first. */
int pgc_exec_sqlite(struct pg_conn *c, const char *sqlite_sql);
const char *pgc_errmsg(const struct pg_conn *c);
const char *pgc_sqlstate(const struct pg_conn *c);  /* "" when none */
/* libpq's version, "15.4" (static text). */
const char *pgc_lib_version(void);
int pgc_in_tx(struct pg_conn *c);
void pgc_discard(struct pg_conn *c);  /* drops rows waiting for COPY */
/* on: the writers' lock is held until COMMIT or ROLLBACK; new ids are
** given here (db_pg.c) */
void pgc_writing(struct pg_conn *c, int on);
/* The schema version (podium_schema), 0 when there is none, -1 on error. */
int pgc_schema_version(struct pg_conn *c);
int pgc_set_version(struct pg_conn *c, int v);

struct pg_stmt *pgs_prepare(struct pg_conn *c, const char *sqlite_sql);
void pgs_finalize(struct pg_stmt *s);
int pgs_bind_int64(struct pg_stmt *s, int i, int64_t v);
int pgs_bind_double(struct pg_stmt *s, int i, double v);
int pgs_bind_text(struct pg_stmt *s, int i, const char *v, int borrowed);
int pgs_bind_null(struct pg_stmt *s, int i);
int pgs_step(struct pg_stmt *s, int64_t *new_id);
void pgs_reset(struct pg_stmt *s);
void pgs_clear_bindings(struct pg_stmt *s);
int pgs_busy(struct pg_stmt *s);
int pgs_column_count(struct pg_stmt *s);
const char *pgs_column_name(struct pg_stmt *s, int i);
int pgs_column_type(struct pg_stmt *s, int i);
int64_t pgs_column_int64(struct pg_stmt *s, int i);
double pgs_column_double(struct pg_stmt *s, int i);
const unsigned char *pgs_column_text(struct pg_stmt *s, int i);
int pgs_column_bytes(struct pg_stmt *s, int i);

/* ---- one call for both ------------------------------------------------ */
static inline int db_bind_int64(db_stmt *s, int i, int64_t v) {
  return s->lite ? sqlite3_bind_int64(s->lite, i, v) : pgs_bind_int64(s->pg, i, v);
}
static inline int db_bind_int(db_stmt *s, int i, int v) {
  return db_bind_int64(s, i, v);
}
static inline int db_bind_double(db_stmt *s, int i, double v) {
  return s->lite ? sqlite3_bind_double(s->lite, i, v)
                 : pgs_bind_double(s->pg, i, v);
}
/* copied */
static inline int db_bind_text(db_stmt *s, int i, const char *v) {
  return s->lite ? sqlite3_bind_text(s->lite, i, v, -1, SQLITE_TRANSIENT)
                 : pgs_bind_text(s->pg, i, v, 0);
}
/* valid until the statement is stepped and reset */
static inline int db_bind_text_static(db_stmt *s, int i, const char *v) {
  return s->lite ? sqlite3_bind_text(s->lite, i, v, -1, SQLITE_STATIC)
                 : pgs_bind_text(s->pg, i, v, 1);
}
/* the same, n bytes long (a NUL after them all the same) */
static inline int db_bind_text_static_n(db_stmt *s, int i, const char *v,
                                        int n) {
  return s->lite ? sqlite3_bind_text(s->lite, i, v, n, SQLITE_STATIC)
                 : pgs_bind_text(s->pg, i, v, 1);
}
static inline int db_bind_null(db_stmt *s, int i) {
  return s->lite ? sqlite3_bind_null(s->lite, i) : pgs_bind_null(s->pg, i);
}
static inline int db_step(db_stmt *s) {
  return s->lite ? sqlite3_step(s->lite) : pgs_step(s->pg, NULL);
}
static inline void db_reset(db_stmt *s) {
  if (s->lite) sqlite3_reset(s->lite);
  else pgs_reset(s->pg);
}
static inline void db_clear_bindings(db_stmt *s) {
  if (s->lite) sqlite3_clear_bindings(s->lite);
  else pgs_clear_bindings(s->pg);
}
static inline int db_busy(db_stmt *s) {
  return s->lite ? sqlite3_stmt_busy(s->lite) : pgs_busy(s->pg);
}
static inline int db_column_count(db_stmt *s) {
  return s->lite ? sqlite3_column_count(s->lite) : pgs_column_count(s->pg);
}
static inline const char *db_column_name(db_stmt *s, int i) {
  return s->lite ? sqlite3_column_name(s->lite, i) : pgs_column_name(s->pg, i);
}
static inline int db_column_type(db_stmt *s, int i) {
  return s->lite ? sqlite3_column_type(s->lite, i) : pgs_column_type(s->pg, i);
}
static inline int64_t db_column_int64(db_stmt *s, int i) {
  return s->lite ? sqlite3_column_int64(s->lite, i)
                 : pgs_column_int64(s->pg, i);
}
static inline int db_column_int(db_stmt *s, int i) {
  return (int)db_column_int64(s, i);
}
static inline double db_column_double(db_stmt *s, int i) {
  return s->lite ? sqlite3_column_double(s->lite, i)
                 : pgs_column_double(s->pg, i);
}
static inline const unsigned char *db_column_text(db_stmt *s, int i) {
  return s->lite ? sqlite3_column_text(s->lite, i) : pgs_column_text(s->pg, i);
}
static inline int db_column_bytes(db_stmt *s, int i) {
  return s->lite ? sqlite3_column_bytes(s->lite, i)
                 : pgs_column_bytes(s->pg, i);
}
/* Releases the statement and s itself (NULL is fine). */
static inline void db_finalize(db_stmt *s) {
  if (!s) return;
  if (s->lite) sqlite3_finalize(s->lite);
  else pgs_finalize(s->pg);
  free(s);
}

#endif
