/*
** core/json.h -- cJSON's parser behind one lock.
**
** cJSON_ParseWithLengthOpts writes a global (its last error) on every
** call, so two threads parsing at once race, even when both succeed.
** Every parse in podium goes through here: ingest's read-ahead thread
** parses JSON beside the registry thread, and render threads read their
** catalogs. Owns: nothing; the tree is the caller's (cJSON_Delete).
*/
#ifndef PODIUM_JSON_H
#define PODIUM_JSON_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* cJSON_ParseWithLengthOpts(text, len, end, 0): NULL on a syntax error,
** *end (when end is not NULL) then where it stopped. */
cJSON *pod_json_parse(const char *text, size_t len, const char **end);
/* cJSON_Parse: a NUL-terminated text, anything after the value ignored. */
cJSON *pod_json_parse_str(const char *text);

/* Checks a parsed text against what cJSON lets through silently. The
** first member of an object whose key an earlier member of that object
** has (Python's json keeps the last value, cJSON's lookups the first:
** one file read two ways): 1, with the offset in text of its key (the
** quoted string) and the key's length, quotes included. 0 when every
** object's keys are distinct. */
int pod_json_duplicate_key(const cJSON *root, const char *text, size_t len,
                           size_t *at, size_t *key_len);
/* The offset of the first NUL in text, raw or as \u0000 in a string
** (cJSON cuts the string there), or (size_t)-1 when none. */
size_t pod_json_nul(const char *text, size_t len);

#endif
