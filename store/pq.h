/*
** store/pq.h -- libpq, loaded with dlopen when a postgresql:// registry
** is first opened (store_pq_load), not linked: libpq brings gnutls,
** krb5, ldap, sasl and p11-kit, ~3.5 MB of a render's RSS that only a
** PostgreSQL registry needs. libpq-fe.h gives the types; the calls go
** through store_pq's pointers, under their own names (the defines
** below), so db_pg.c reads as plain libpq.
**
** Owns: the library stays loaded until the process exits; store_pq is
** filled once (thread safe) and read only afterwards.
*/
#ifndef PODIUM_STORE_PQ_H
#define PODIUM_STORE_PQ_H

#include <libpq-fe.h>
#include "core/err.h"

/* every libpq function db_pg.c calls */
#define STORE_PQ_FUNCS(X)                                                    \
  X(PQclear) X(PQcmdStatus) X(PQconnectdb) X(PQconninfoFree)                 \
  X(PQconninfoParse) X(PQdb) X(PQerrorMessage) X(PQexec) X(PQexecPrepared)   \
  X(PQfinish) X(PQfname) X(PQfreemem) X(PQftype) X(PQgetResult)              \
  X(PQgetisnull) X(PQgetlength) X(PQgetvalue) X(PQhost) X(PQlibVersion)      \
  X(PQnfields) X(PQntuples) X(PQprepare) X(PQputCopyData) X(PQputCopyEnd)    \
  X(PQresultErrorField) X(PQresultErrorMessage) X(PQresultStatus)            \
  X(PQsetNoticeProcessor) X(PQstatus) X(PQtransactionStatus)

typedef struct store_pq_api {
#define STORE_PQ_FIELD(f) __typeof__(f) *f;
  STORE_PQ_FUNCS(STORE_PQ_FIELD)
#undef STORE_PQ_FIELD
} store_pq_api;

extern store_pq_api store_pq;

/* Loads libpq once; POD_EDB with what dlopen said when it cannot. */
int store_pq_load(char err[POD_ERRLEN]);

#ifndef STORE_PQ_LOADER
#define PQclear store_pq.PQclear
#define PQcmdStatus store_pq.PQcmdStatus
#define PQconnectdb store_pq.PQconnectdb
#define PQconninfoFree store_pq.PQconninfoFree
#define PQconninfoParse store_pq.PQconninfoParse
#define PQdb store_pq.PQdb
#define PQerrorMessage store_pq.PQerrorMessage
#define PQexec store_pq.PQexec
#define PQexecPrepared store_pq.PQexecPrepared
#define PQfinish store_pq.PQfinish
#define PQfname store_pq.PQfname
#define PQfreemem store_pq.PQfreemem
#define PQftype store_pq.PQftype
#define PQgetResult store_pq.PQgetResult
#define PQgetisnull store_pq.PQgetisnull
#define PQgetlength store_pq.PQgetlength
#define PQgetvalue store_pq.PQgetvalue
#define PQhost store_pq.PQhost
#define PQlibVersion store_pq.PQlibVersion
#define PQnfields store_pq.PQnfields
#define PQntuples store_pq.PQntuples
#define PQprepare store_pq.PQprepare
#define PQputCopyData store_pq.PQputCopyData
#define PQputCopyEnd store_pq.PQputCopyEnd
#define PQresultErrorField store_pq.PQresultErrorField
#define PQresultErrorMessage store_pq.PQresultErrorMessage
#define PQresultStatus store_pq.PQresultStatus
#define PQsetNoticeProcessor store_pq.PQsetNoticeProcessor
#define PQstatus store_pq.PQstatus
#define PQtransactionStatus store_pq.PQtransactionStatus
#endif

#endif
