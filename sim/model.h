/* The fictional world shared by the scenario and the actions: member
 * institutions, duty officers, SLAs, and helpers to read and write entities
 * as jansson trees (used off the hot path only). */
#ifndef SIM_MODEL_H
#define SIM_MODEL_H

#include <jansson.h>
#include <time.h>

#include "sim/sim.h"

struct model_inst {
	const char *id, *name, *slug;
};

#define MODEL_NINST 16
#define MODEL_NOFFICERS 5
extern const struct model_inst model_insts[MODEL_NINST];
extern const char *const model_officers[MODEL_NOFFICERS];

int model_is_officer(const char *name);
const struct model_inst *model_inst_by_id(const char *id);
/* Response deadline in hours for a severity. */
int model_sla_hours(const char *severity);
json_t *model_time(time_t t);
json_t *model_now(void);
json_t *model_inst_json(const struct model_inst *in);

/* A parsed copy of an entity's data, or NULL. Caller decrefs. */
json_t *model_get(struct backend *b, int stream, const char *id);
/* Emit data (whose "id" names it) as the next upsert on b. */
void model_put(struct backend *b, int stream, json_t *data);
void model_add_note(json_t *obj, const char *author, const char *text);

/* Open a new F-CERT ticket for an alert (data as in the alerts stream); its id
 * goes to id_out. Emits the ticket event on the fcert backend. */
void model_open_ticket(struct sim *s, json_t *alert, const char *author, const char *note,
		       time_t opened, char id_out[32]);
/* Next free ticket number, after looking at the tickets that exist. */
unsigned model_next_ticket_no(struct sim *s);

#endif
