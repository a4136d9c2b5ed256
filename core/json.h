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

#endif
