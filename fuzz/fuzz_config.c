/* fuzz/fuzz_config.c - libFuzzer harness for the config parser: any bytes as
 * a config file (through a memfd, the parser reads a path). config_load()
 * must return 0 or -1 with a message, never crash; a loaded config keeps its
 * own invariants (bounded backends, NUL-terminated strings). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "client/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config cfg; /* large: keep it off the stack */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	char err[1024];
	if (fd < 0) {
		/* a home of our own, so ~ and the XDG defaults resolve */
		setenv("HOME", "/nonexistent-soctop-fuzz", 1);
		fd = memfd_create("soctop-fuzz-config", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	err[0] = '\0';
	int rc = config_load(path, &cfg, err, sizeof err);
	if (rc < 0 && !err[0])
		__builtin_trap(); /* every refusal says why */
	if (rc == 0) {
		if (cfg.nbackends < 0 || cfg.nbackends > CONFIG_MAX_BACKENDS)
			__builtin_trap();
		for (int i = 0; i < cfg.nbackends; i++) {
			const struct backend_conf *b = &cfg.backends[i];
			if (!memchr(b->name, 0, sizeof b->name) || !memchr(b->url, 0, sizeof b->url) ||
			    !memchr(b->ca_file, 0, sizeof b->ca_file))
				__builtin_trap();
		}
	}
	return 0;
}
