/*
** ingest/html_page.h -- a strict, bounded reader of the HTML pages pandas'
** DataFrame.to_html tables are written into (experiment-impact-tracker's
** run page, ingest/eit_report.c): the page title, each header and the
** table under it, every cell with its line and column. Everything it
** returns lives in the html_page, which html_page_free frees.
*/
#ifndef PODIUM_HTML_PAGE_H
#define PODIUM_HTML_PAGE_H

#include <stddef.h>
#include "core/buf.h"
#include "core/err.h"

#define HTML_MAX_TABLES 64

typedef struct html_cell {
  size_t text;           /* offset into page.text */
  int row, th;
  long line, col;        /* of the cell's text (its '<' when empty) */
} html_cell;

typedef struct html_table {
  char *section;         /* the header before it, "" when none */
  long line, col;        /* of <table> */
  int head_rows, rows;   /* rows in <thead>, rows in all */
  html_cell *c;
  size_t n, cap;
} html_table;

typedef struct html_page {
  char *title;
  long title_line, title_col;
  html_table t[HTML_MAX_TABLES];
  int n_tables;
  pod_buf text;          /* every cell's text, NUL-separated */
  long end_line, end_col;  /* where the page ends */
} html_page;

/* Reads the page in s[0..n) (path names it in messages): a byte-order
** mark is skipped; a NUL byte, bytes that are not UTF-8, or markup not as
** pandas writes it are refused with line and column. pg->end_line and
** end_col point at the end, for "found the end of the file" messages.
** Free pg with html_page_free whatever it returns. */
int html_page_read(const char *path, const char *s, size_t n, html_page *pg,
                   char err[POD_ERRLEN]);
void html_page_free(html_page *pg);
/* The text of a cell, entities decoded, spaces squeezed. */
const char *html_cell_text(const html_page *pg, const html_cell *c);

#endif
