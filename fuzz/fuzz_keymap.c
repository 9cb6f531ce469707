/* fuzz/fuzz_keymap.c - libFuzzer harness for the keymap parser and the ":"
 * command line's completion: any bytes as a keymap file (user keymaps are
 * untrusted files), against soctop's real command registry. Loading must
 * never crash; every bad line is recorded; lookups and the help generated
 * from whatever loaded must work. No command is run. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tui/command.h"
#include "tui/keymap.h"
#include "tui/ui.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void count_line(const char *line, int is_heading, void *arg)
{
	(void)is_heading;
	if (!line)
		__builtin_trap();
	*(int *)arg += 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct keymap *km;
	if (!km) {
		cmd_clear();
		if (ui_register_commands(NULL) < 0 || !(km = malloc(sizeof *km)))
			abort();
	}
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';

	keymap_init(km);
	int bad = keymap_load_text(km, "fuzz", text);
	if (bad < 0)
		__builtin_trap();

	/* every context chain: a few keys looked up, and its help generated */
	static const int keys[] = {'a', 'q', '/', ':', '?', ' ', '\t', 'j', 'G'};
	for (int ctx = 0; ctx < CTX_COUNT; ctx++) {
		enum cmd_ctx chain[4];
		int n = keymap_chain((enum cmd_ctx)ctx, CTX_ALERTS, chain, 4);
		if (n < 0 || n > 4)
			__builtin_trap();
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			(void)keymap_lookup(km, chain, n, keys[k]);
		int lines = 0;
		(void)keymap_help(km, chain, n, count_line, &lines);
	}

	/* the same bytes as a half-typed ":" command line */
	char out[512], hint[512];
	(void)cmd_complete(text, out, sizeof out, hint, sizeof hint);
	free(text);
	return 0;
}
