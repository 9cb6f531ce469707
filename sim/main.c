/* soctop-sim: the reference F-SOC / F-CERT backend for soctop.
 * Options, start-up, the pacing timers and the event loop. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/scenario.h"
#include "sim/server.h"
#include "sim/sim.h"
#include "sim/state.h"

#define TICK_MIN_US 1000     /* generation timer period at high rates */
#define MAX_BURST_S 0.05     /* never catch up more than this much lateness */

static struct sim *the_sim; /* for the signal handler only */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: soctop-sim [options]\n"
		"Reference F-SOC (/fsoc) and F-CERT (/fcert) backend speaking soctop.v1.\n"
		"  --port N             listen port (default 0: any free port)\n"
		"  --bind ADDR          listen address (default 127.0.0.1)\n"
		"  --port-file FILE     also write the port number to FILE\n"
		"  --token TOKEN        bearer token for both backends, operator duty.chen\n"
		"                       (default demo-token)\n"
		"  --token-file FILE    read that token from FILE instead\n"
		"  --token-fsoc-only T  token valid on /fsoc only (operator duty.lin)\n"
		"  --seed N             scenario seed (default: time-based)\n"
		"  --rate N             events per second over both backends (default 2; 0: none)\n"
		"  --max-events N       stop generating after N events (default 0: no limit)\n"
		"  --heartbeat S        heartbeat period in seconds (default 10)\n"
		"  --history N          log entries kept per backend for replay (default 100000)\n"
		"  --window N           alerts/advisories kept for snapshots (default 5000)\n"
		"  --state FILE         persist epochs, logs, entities and actions in FILE\n"
		"  --replay FILE.jsonl  feed events from FILE instead of the scenario\n"
		"  --raw FILE           test hook: send FILE's lines verbatim after a /fsoc subscribe\n"
		"  --log-level N        libwebsockets log level bits (default 3: errors, warnings)\n"
		"  --tls-cert FILE      listen with TLS (wss://): the server certificate chain (PEM)\n"
		"  --tls-key FILE       its private key (PEM); give both or neither\n"
		"  --reply-subprotocol NAME  test hook: accept upgrades but name NAME as the subprotocol\n"
		"  --drop-connections   test hook: close every connection right after the upgrade\n"
		"  --help               this text\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	if (!s || !*s || *s == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static char *read_token_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "soctop-sim: cannot read --token-file %s: %s\n", path, strerror(errno));
		return NULL;
	}
	char buf[1024];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = buf;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	size_t l = strcspn(p, "\r\n");
	p[l] = '\0';
	while (l && (p[l - 1] == ' ' || p[l - 1] == '\t'))
		p[--l] = '\0';
	if (!l) {
		fprintf(stderr, "soctop-sim: --token-file %s is empty\n", path);
		return NULL;
	}
	return xstrdup(p);
}

static int load_raw(struct sim *s, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "soctop-sim: cannot read --raw %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		s->raw = xrealloc(s->raw, (s->nraw + 1) * sizeof *s->raw);
		struct raw_line *r = &s->raw[s->nraw++];
		memset(r, 0, sizeof *r);
		r->kind = MSG_TEXT;
		uint64_t big;
		if (!strncmp(line, "#binary ", 8)) {
			r->kind = MSG_BINARY;
			r->text = xstrdup(line + 8);
		} else if (!strncmp(line, "#frag ", 6)) {
			r->kind = MSG_FRAG3;
			r->text = xstrdup(line + 6);
		} else if (!strncmp(line, "#big ", 5) && !parse_u64(line + 5, &big) &&
			   big <= ((uint64_t)1 << 30)) {
			r->big = 1;
			r->big_len = (size_t)big;
			r->text = xstrdup("");
		} else {
			r->text = xstrdup(line);
		}
	}
	free(line);
	fclose(f);
	return 0;
}

static int write_port_file(const char *path, int port)
{
	size_t n = strlen(path);
	char *tmp = xmalloc(n + 5);
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".tmp", 5);
	FILE *f = fopen(tmp, "w");
	int rc = -1;
	if (f) {
		fprintf(f, "%d\n", port);
		if (!fclose(f) && !rename(tmp, path))
			rc = 0;
	}
	if (rc)
		fprintf(stderr, "soctop-sim: cannot write --port-file %s: %s\n", path, strerror(errno));
	free(tmp);
	return rc;
}

void sim_flush_state(struct sim *s)
{
	if (s->state)
		state_flush(s->state);
}

/* Generate what the clock says is due, bounded by --max-events. */
static void gen_tick(lws_sorted_usec_list_t *sul)
{
	struct sim *s = lws_container_of(sul, struct sim, sul_gen);
	lws_usec_t now = lws_now_usecs();
	double rate = s->o.rate;
	if (s->gen_finished || rate <= 0)
		return;
	double due = rate * (double)(now - s->gen_start) / 1e6;
	double cap = rate * MAX_BURST_S + 1;
	if (due - (double)s->gen_done > cap) {
		/* We fell behind (a slow moment): drop the backlog of time, not events. */
		s->gen_done = (uint64_t)(due - cap);
	}
	while ((double)s->gen_done < due) {
		unsigned budget = 2;
		if (s->o.max_events) {
			uint64_t left = s->o.max_events - s->generated_total;
			if (!left)
				break;
			budget = left < 2 ? (unsigned)left : 2;
		}
		unsigned made;
		if (s->replay) {
			made = (unsigned)replay_step(s->replay, s);
			if (!made) {
				lwsl_notice("--replay file finished\n");
				s->gen_finished = 1;
				break;
			}
		} else {
			made = scenario_step(s->scn, budget);
		}
		s->generated_total += made;
		s->gen_done += made;
	}
	if (s->o.max_events && s->generated_total >= s->o.max_events)
		s->gen_finished = 1;
	sim_flush_state(s);
	if (s->state)
		state_maybe_compact(s->state);
	if (s->gen_finished)
		return;
	lws_usec_t period = (lws_usec_t)(1e6 / rate);
	if (period < TICK_MIN_US)
		period = TICK_MIN_US;
	if (period > 1000000)
		period = 1000000;
	lws_sul_schedule(s->ctx, 0, &s->sul_gen, gen_tick, period);
}

static void hb_tick(lws_sorted_usec_list_t *sul)
{
	struct sim *s = lws_container_of(sul, struct sim, sul_hb);
	sim_flush_state(s);
	server_heartbeat(s);
	lws_sul_schedule(s->ctx, 0, &s->sul_hb, hb_tick, (lws_usec_t)s->o.heartbeat_s * 1000000);
}

static void on_signal(int sig)
{
	(void)sig;
	if (the_sim) {
		the_sim->stop = 1;
		if (the_sim->ctx)
			lws_cancel_service(the_sim->ctx);
	}
}

enum {
	OPT_PORT = 1000, OPT_BIND, OPT_PORT_FILE, OPT_TOKEN, OPT_TOKEN_FILE, OPT_TOKEN_FSOC,
	OPT_SEED, OPT_RATE, OPT_MAX_EVENTS, OPT_HEARTBEAT, OPT_HISTORY, OPT_WINDOW, OPT_STATE,
	OPT_REPLAY, OPT_RAW, OPT_LOG_LEVEL, OPT_TLS_CERT, OPT_TLS_KEY, OPT_REPLY_SUBPROTO,
	OPT_DROP_CONNS, OPT_HELP
};

static int parse_args(struct sim *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{"port", required_argument, NULL, OPT_PORT},
		{"bind", required_argument, NULL, OPT_BIND},
		{"port-file", required_argument, NULL, OPT_PORT_FILE},
		{"token", required_argument, NULL, OPT_TOKEN},
		{"token-file", required_argument, NULL, OPT_TOKEN_FILE},
		{"token-fsoc-only", required_argument, NULL, OPT_TOKEN_FSOC},
		{"seed", required_argument, NULL, OPT_SEED},
		{"rate", required_argument, NULL, OPT_RATE},
		{"max-events", required_argument, NULL, OPT_MAX_EVENTS},
		{"heartbeat", required_argument, NULL, OPT_HEARTBEAT},
		{"history", required_argument, NULL, OPT_HISTORY},
		{"window", required_argument, NULL, OPT_WINDOW},
		{"state", required_argument, NULL, OPT_STATE},
		{"replay", required_argument, NULL, OPT_REPLAY},
		{"raw", required_argument, NULL, OPT_RAW},
		{"log-level", required_argument, NULL, OPT_LOG_LEVEL},
		{"tls-cert", required_argument, NULL, OPT_TLS_CERT},
		{"tls-key", required_argument, NULL, OPT_TLS_KEY},
		{"reply-subprotocol", required_argument, NULL, OPT_REPLY_SUBPROTO},
		{"drop-connections", no_argument, NULL, OPT_DROP_CONNS},
		{"help", no_argument, NULL, OPT_HELP},
		{NULL, 0, NULL, 0},
	};
	struct sim_opts *o = &s->o;
	const char *token_file = NULL;
	int have_seed = 0;
	o->port = 0;
	o->bind = "127.0.0.1";
	o->rate = 2;
	o->heartbeat_s = 10;
	o->history = 100000;
	o->window = 5000;
	o->log_level = LLL_ERR | LLL_WARN;
	int c;
	uint64_t v;
	char *end;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_PORT:
			if (parse_u64(optarg, &v) || v > 65535)
				goto bad_value;
			o->port = (int)v;
			break;
		case OPT_BIND: o->bind = optarg; break;
		case OPT_PORT_FILE: o->port_file = optarg; break;
		case OPT_TOKEN:
			if (!*optarg)
				goto bad_value;
			free(o->token);
			o->token = xstrdup(optarg);
			break;
		case OPT_TOKEN_FILE: token_file = optarg; break;
		case OPT_TOKEN_FSOC:
			if (!*optarg)
				goto bad_value;
			o->token_fsoc_only = optarg;
			break;
		case OPT_SEED:
			if (parse_u64(optarg, &o->seed))
				goto bad_value;
			have_seed = 1;
			break;
		case OPT_RATE:
			errno = 0;
			o->rate = strtod(optarg, &end);
			if (errno || *end || !*optarg || !(o->rate >= 0) || o->rate > 1e7)
				goto bad_value;
			break;
		case OPT_MAX_EVENTS:
			if (parse_u64(optarg, &o->max_events))
				goto bad_value;
			break;
		case OPT_HEARTBEAT:
			if (parse_u64(optarg, &v) || v < 1 || v > 86400)
				goto bad_value;
			o->heartbeat_s = (int)v;
			break;
		case OPT_HISTORY:
			if (parse_u64(optarg, &v) || v > 100000000)
				goto bad_value;
			o->history = (size_t)v;
			break;
		case OPT_WINDOW:
			if (parse_u64(optarg, &v) || v > 100000000)
				goto bad_value;
			o->window = (size_t)v;
			break;
		case OPT_STATE: o->state_path = optarg; break;
		case OPT_REPLAY: o->replay_path = optarg; break;
		case OPT_RAW: o->raw_path = optarg; break;
		case OPT_LOG_LEVEL:
			if (parse_u64(optarg, &v) || v > 0xffff)
				goto bad_value;
			o->log_level = (int)v;
			break;
		case OPT_TLS_CERT: o->tls_cert = optarg; break;
		case OPT_TLS_KEY: o->tls_key = optarg; break;
		case OPT_REPLY_SUBPROTO:
			if (!*optarg || strlen(optarg) > 64 || strchr(optarg, ','))
				goto bad_value;
			o->reply_subprotocol = optarg;
			break;
		case OPT_DROP_CONNS: o->drop_connections = 1; break;
		case OPT_HELP: usage(stdout); exit(0);
		default:
			fprintf(stderr, "soctop-sim: unknown option or missing value: %s\n",
				argv[optind - 1]);
			usage(stderr);
			return -1;
		}
		continue;
bad_value:
		fprintf(stderr, "soctop-sim: bad value '%s' for %s\n", optarg, argv[optind - 1]);
		usage(stderr);
		return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "soctop-sim: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	if (!o->tls_cert != !o->tls_key) {
		fprintf(stderr, "soctop-sim: give --tls-cert and --tls-key together\n");
		return -1;
	}
	if (token_file) {
		if (o->token) {
			fprintf(stderr, "soctop-sim: give --token or --token-file, not both\n");
			return -1;
		}
		if (!(o->token = read_token_file(token_file)))
			return -1;
	}
	if (!o->token)
		o->token = xstrdup("demo-token");
	if (o->token_fsoc_only && !strcmp(o->token_fsoc_only, o->token)) {
		fprintf(stderr, "soctop-sim: --token-fsoc-only must differ from the main token\n");
		return -1;
	}
	s->rng.s = have_seed ? o->seed : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
	return 0;
}

int main(int argc, char **argv)
{
	static struct sim sim;
	struct sim *s = &sim;
	if (parse_args(s, argc, argv))
		return 2;
	/* Millions of short-lived ~1 KiB messages: keep freed heap instead of
	 * handing it back and faulting it in again a moment later. */
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	mallopt(M_TOP_PAD, 64 << 20);
	lws_set_log_level(s->o.log_level, NULL);

	for (int i = 0; i < BK_COUNT; i++)
		backend_init(&s->b[i], i, s->o.history, s->o.window);
	if (s->o.state_path) {
		struct backend *bs[BK_COUNT] = {&s->b[BK_FSOC], &s->b[BK_FCERT]};
		if (!(s->state = state_open(s->o.state_path, bs, BK_COUNT)))
			return 1;
	}
	if (s->o.raw_path && load_raw(s, s->o.raw_path))
		return 1;
	if (s->o.replay_path) {
		if (!(s->replay = replay_open(s->o.replay_path))) {
			fprintf(stderr, "soctop-sim: cannot read --replay %s: %s\n", s->o.replay_path,
				strerror(errno));
			return 1;
		}
	} else {
		s->scn = scenario_new(s);
		if (s->b[BK_FSOC].seq == 0 && s->b[BK_FCERT].seq == 0)
			scenario_backlog(s->scn);
	}
	sim_flush_state(s);

	int port = server_start(s);
	if (port < 0) {
		server_stop(s);
		return 1;
	}
	the_sim = s;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	printf("soctop-sim listening on %s:%d\n", s->o.bind, port);
	fflush(stdout);
	if (s->o.port_file && write_port_file(s->o.port_file, port)) {
		server_stop(s);
		return 1;
	}

	s->gen_start = lws_now_usecs();
	if (s->o.rate > 0)
		lws_sul_schedule(s->ctx, 0, &s->sul_gen, gen_tick, TICK_MIN_US);
	lws_sul_schedule(s->ctx, 0, &s->sul_hb, hb_tick, (lws_usec_t)s->o.heartbeat_s * 1000000);

	while (!s->stop)
		if (lws_service(s->ctx, 0) < 0)
			break;

	lws_sul_cancel(&s->sul_gen);
	lws_sul_cancel(&s->sul_hb);
	sim_flush_state(s);
	server_stop(s);
	state_close(s->state);
	s->state = NULL;
	scenario_free(s->scn);
	replay_close(s->replay);
	for (int i = 0; i < BK_COUNT; i++)
		backend_free(&s->b[i]);
	for (size_t i = 0; i < s->nraw; i++)
		free(s->raw[i].text);
	free(s->raw);
	free(s->o.token);
	return 0;
}
