/* The scenario engine: a financial ISAC's week (DDoS ransom campaign,
 * phishing sites, an exploited VPN flaw, malware; F-CERT tickets, vendor
 * hours and a DDoS drill), written as events on the two backends. */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include "sim/sim.h"

struct scenario *scenario_new(struct sim *s);
void scenario_free(struct scenario *sc);
/* Fill empty backends with a realistic backlog (a full dashboard). */
void scenario_backlog(struct scenario *sc);
/* Make one change, using at most budget (>= 1) log entries; returns how many. */
unsigned scenario_step(struct scenario *sc, unsigned budget);

/* --replay: feed events from a JSON Lines file. */
struct replay *replay_open(const char *path);
/* Emit the next line's event; returns 1, or 0 at end of file. */
int replay_step(struct replay *r, struct sim *s);
void replay_close(struct replay *r);

#endif
