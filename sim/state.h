/* --state: the backends' epochs, logs, entities and action results kept in a
 * JSON Lines file. Changes are appended (and written before they are sent to
 * any client); the file is rewritten compactly at start and when it grows.
 * A torn last line, as left by SIGKILL, is dropped on load. */
#ifndef SIM_STATE_H
#define SIM_STATE_H

#include <stddef.h>

struct backend;

struct sim_state;

/* Load path into the backends (which must be freshly initialised), then
 * rewrite it compactly. Returns NULL (with a message) on failure. */
struct sim_state *state_open(const char *path, struct backend *bs[], int nb);
void state_append_event(struct sim_state *s, const char *backend, const char *event, size_t len);
void state_append_action(struct sim_state *s, const char *backend, const char *action_id,
			 const char *result);
/* Write everything appended so far to the file. */
void state_flush(struct sim_state *s);
/* Rewrite the file if it grew well beyond its compact size. */
void state_maybe_compact(struct sim_state *s);
void state_close(struct sim_state *s);

#endif
