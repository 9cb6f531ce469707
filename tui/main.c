/* tui/main.c - soctop: command line, configuration, and wiring the cache,
 * the websocket connections and the terminal together.
 * Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad config. */
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/cache.h"
#include "client/config.h"
#include "client/log.h"
#include "client/ws.h"
#include "tui/i18n.h"
#include "tui/keymap.h"
#include "tui/ui.h"

static void usage(FILE *fp)
{
	fputs("usage: soctop [options]\n"
	      "\n"
	      "A terminal dashboard for the F-SOC and F-CERT backends of a financial ISAC:\n"
	      "live alerts, incident tickets, vendor-support hours, drills and advisories,\n"
	      "kept in a local cache.\n"
	      "\n"
	      "  -c, --config FILE  read FILE instead of $XDG_CONFIG_HOME/soctop/config.ini\n"
	      "                     or ~/.config/soctop/config.ini\n"
	      "  -o, --offline      open the cache only, no network\n"
	      "  -l, --low-bandwidth  for slow links: at most one redraw a second, the clock\n"
	      "                     by the minute (also [ui] low_bandwidth = yes)\n"
	      "  -w, --wall         wall mode: read-only big counters, clock, newest critical\n"
	      "                     alerts; no actions exist (also [ui] mode = wall)\n"
	      "      --purge        delete what is older than [cache] retain_days, vacuum\n"
	      "                     the cache file, and exit\n"
	      "  -p, --paths        print the config, cache, log and keymap paths, and exit\n"
	      "  -h, --help         this text\n"
	      "  -V, --version      the version\n"
	      "\n"
	      "Keys (the default keymap; ? in soctop lists the keys in use): ? help, : command\n"
	      "line, / filter (e.g. sev:high inst:NAME since:2h; Esc clears), Tab/Shift-Tab\n"
	      "pane, z zoom, Enter details, arrows/j/k PgUp/PgDn Home/End scroll,\n"
	      "r reconnect, Ctrl-L redraw, q quit. Actions on the selected item:\n"
	      "alerts a ack, c close, e escalate; tickets a ack, o assign, u status, n note,\n"
	      "v vendor hours; drills c check in. Each asks for confirmation.\n"
	      "Commands (after :): search WORDS, since [WHEN], until [WHEN], export FILE\n"
	      "(JSON Lines, or CSV for *.csv; never TLP:RED nor above [cache] export_ceiling).\n"
	      "In wall mode the actions do not exist; only quit, redraw and help work.\n"
	      "A second soctop on the same cache runs read-only and follows the first.\n"
	      "Keymaps: [ui] keymap = default|vi|emacs|FILE, and your own bindings in\n"
	      "$XDG_CONFIG_HOME/soctop/keys ([ui] keys = FILE); see README.md, \"Keys\".\n"
	      "Exit status: 0 ok, 1 runtime failure, 2 bad usage or bad configuration.\n"
	      "See config.example.ini and docs/PROTOCOL.md.\n",
	      fp);
}

/* --purge: retention, then VACUUM. Not while another soctop writes. */
static int main_purge(struct cache *cache, const struct config *cfg, int follower, int writer_pid)
{
	if (follower) {
		fprintf(stderr, "soctop: --purge: soctop pid %d has %s open for writing; quit it first\n", writer_pid,
			cfg->cache_path);
		return 1;
	}
	int64_t gone = 0;
	if (cache_purge(cache, ws_now_ms() - (int64_t)cfg->retain_days * 86400000, &gone) < 0) {
		fprintf(stderr, "soctop: --purge: %s\n", cache_errmsg(cache));
		return 1;
	}
	printf("soctop: deleted %lld rows older than %d days from %s\n", (long long)gone, cfg->retain_days,
	       cfg->cache_path);
	if (cache_vacuum(cache) < 0) {
		fprintf(stderr, "soctop: --purge: %s\n", cache_errmsg(cache));
		return 1;
	}
	printf("soctop: vacuumed %s\n", cfg->cache_path);
	log_info("--purge: %lld rows deleted (retain_days %d), vacuumed", (long long)gone, cfg->retain_days);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'}, {"offline", no_argument, NULL, 'o'},
		{"low-bandwidth", no_argument, NULL, 'l'},
		{"paths", no_argument, NULL, 'p'},        {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},      {"wall", no_argument, NULL, 'w'},
		{"purge", no_argument, NULL, 'P'},        {NULL, 0, NULL, 0},
	};
	const char *config_path = NULL;
	int offline = 0, paths = 0, low_bw = 0, wall = 0, purge = 0, c;
	char err[1024];

	setlocale(LC_ALL, "");
	while ((c = getopt_long(argc, argv, "c:olphVw", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'o':
			offline = 1;
			break;
		case 'l':
			low_bw = 1;
			break;
		case 'p':
			paths = 1;
			break;
		case 'w':
			wall = 1;
			break;
		case 'P':
			purge = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("soctop %s (protocol %s)\n", SOCTOP_VERSION, PROTO_SUBPROTOCOL);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "soctop: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}

	static struct config cfg;
	int rc = config_load(config_path, &cfg, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "soctop: %s\n", err);
		return 2;
	}
	if (paths) {
		printf("config: %s\n", cfg.path[0] ? cfg.path : "(none found: built-in defaults)");
		printf("cache:  %s\n", cfg.cache_path);
		printf("log:    %s\n", cfg.log_file);
		char keys[PATH_MAX];
		const char *user = cfg.keys_file[0] ? cfg.keys_file : keymap_user_path(keys, sizeof keys);
		printf("keymap: %s%s\n", cfg.keymap, keymap_preset(cfg.keymap) ? " (built in)" : "");
		printf("keys:   %s%s\n", user[0] ? user : "(no home directory)",
		       user[0] && access(user, F_OK) != 0 ? " (absent)" : "");
		return 0;
	}

	/* Times are shown in the configured zone: every localtime() follows TZ. */
	if (cfg.timezone[0]) {
		setenv("TZ", cfg.timezone, 1);
		tzset();
	}

	const char *lang = i18n_init(cfg.language);

	log_set_quiet(1);
	if (log_open(cfg.log_file, cfg.log_level) < 0)
		fprintf(stderr, "soctop: cannot open log file %s; continuing without a log\n", cfg.log_file);
	log_info("soctop %s starting; config %s; language %s", SOCTOP_VERSION, cfg.path[0] ? cfg.path : "(defaults)",
		 lang);

	struct cache *cache = NULL;
	struct cache_opts co = {.red_on_disk = cfg.store_red, .follow_if_locked = 1};
	if (cache_open_with(cfg.cache_path, &co, &cache, err, sizeof err) < 0) {
		fprintf(stderr, "soctop: %s\n", err);
		log_error("%s", err);
		return 1;
	}
	if (cache_notice(cache, NULL))
		log_error("%s", cache_notice(cache, NULL)); /* and on the message line */
	int writer_pid = 0;
	int follower = cache_is_follower(cache, &writer_pid);
	if (purge) {
		int st = main_purge(cache, &cfg, follower, writer_pid);
		cache_close(cache);
		log_close();
		return st;
	}
	if (follower) {
		log_info("another soctop (pid %d) writes %s: following it read-only", writer_pid, cfg.cache_path);
	} else {
		/* Retention as soctop starts; --purge also gives the space back. */
		int64_t gone = 0;
		if (cache_purge(cache, ws_now_ms() - (int64_t)cfg.retain_days * 86400000, &gone) < 0)
			log_warn("%s", cache_errmsg(cache));
		else if (gone > 0)
			log_info("retention: %lld rows older than %d days deleted", (long long)gone, cfg.retain_days);
	}
	struct config run_cfg = cfg;
	if (offline || follower)
		run_cfg.nbackends = 0;
	struct ws *ws = NULL;
	if (ws_create(&ws, &run_cfg, cache, err, sizeof err) < 0) {
		fprintf(stderr, "soctop: %s\n", err);
		log_error("%s", err);
		cache_close(cache);
		return 2;
	}

	struct ui_opts uo = {
		.refresh_hz = cfg.refresh_hz,
		.ascii = cfg.ascii,
		.offline = offline,
		.cache_path = cfg.cache_path,
		.layout = cfg.layout,
		.layout_wide = cfg.layout_wide,
		.wall = wall || cfg.wall,
		.tlp_ceiling = cfg.wall_tlp_ceiling,
		.rotate_s = cfg.wall_rotate_s,
		.follower = follower,
		.writer_pid = writer_pid,
		.export_ceiling = cfg.export_ceiling,
		.keymap = cfg.keymap,
		.keys_file = cfg.keys_file,
		.theme = cfg.theme,
		.colors = cfg.colors,
		.mouse = cfg.mouse,
		.low_bandwidth = cfg.low_bandwidth || low_bw,
		.alert_bell = cfg.alert_bell,
		.alert_bell_interval = cfg.alert_bell_interval,
		.show_zone = cfg.timezone[0] != '\0',
	};
	struct ui *ui = NULL;
	if (ui_open(&ui, ws, cache, &uo, err, sizeof err) < 0) {
		fprintf(stderr, "soctop: %s\n", err);
		ws_destroy(ws);
		cache_close(cache);
		return 1;
	}
	ws_start(ws);
	int status = ui_run(ui);
	ui_close(ui);
	ws_destroy(ws);
	cache_close(cache);
	log_info("soctop exiting with status %d", status);
	log_close();
	return status;
}
