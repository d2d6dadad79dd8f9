/*
 * Copyright © 2025 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * test-client: exercise a Wayland SERVER (normally the managed one) with the
 * real libwayland-client.
 *
 *   test-client --socket NAME_OR_PATH --scenario NAME [ARG]
 *
 * Scenarios (see README.md for the exact output):
 *   globals              "global <name> <interface> <version>" per global
 *   roundtrips N         N sequential wl_display_roundtrip, then "ok"
 *   shm                  wl_shm pool + 32x32 ARGB8888 buffer, then "ok"
 *   shm-bad-stride       as shm with stride 4, expects a protocol error
 *   bind-bad-version     bind first global at version + 1, expects an error
 *   wait-then-roundtrip  "connected", wait for a line on stdin, roundtrip, "ok"
 *
 * Exit status 0 on success; otherwise a message on stderr and status 1
 * (2 for usage errors).
 */

#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <wayland-client.h>

#define PEER_NAME "test-client"
#include "peer-common.h"

#define SHM_WIDTH 32
#define SHM_HEIGHT 32
#define SHM_STRIDE (SHM_WIDTH * 4)
#define SHM_POOL_SIZE (4096 * 4)

struct global {
	uint32_t name;
	char *interface;
	uint32_t version;
};

static struct wl_display *display;
static struct wl_registry *registry;
static struct global *globals;
static size_t n_globals, cap_globals;
static char *abs_name;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
		"usage: test-client --socket NAME_OR_PATH --scenario NAME [ARG]\n"
		"scenarios: globals | roundtrips N | shm | shm-bad-stride |\n"
		"           bind-bad-version | wait-then-roundtrip\n");
	exit(2);
}

static void __attribute__((format(printf, 1, 2)))
out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (fflush(stdout) != 0)
		die("cannot write to stdout");
}

/*
 * If the display is in an error state because of a protocol error, print
 * "error <code> <interface> <id>" and return true.
 */
static bool
print_protocol_error(void)
{
	const struct wl_interface *iface = NULL;
	uint32_t id = 0;
	uint32_t code;

	if (wl_display_get_error(display) != EPROTO)
		return false;
	code = wl_display_get_protocol_error(display, &iface, &id);
	out("error %u %s %u\n", code, iface ? iface->name : "unknown", id);
	return true;
}

/* Describe the display's error state on stderr and exit 1. */
static void
die_display(const char *what)
{
	int err = wl_display_get_error(display);

	if (err == EPROTO) {
		const struct wl_interface *iface = NULL;
		uint32_t id = 0;
		uint32_t code;

		code = wl_display_get_protocol_error(display, &iface, &id);
		die("%s: protocol error %u on %s@%u", what, code,
		    iface ? iface->name : "unknown", id);
	}
	die("%s: %s", what, strerror(err ? err : errno));
}

static void
roundtrip(void)
{
	if (wl_display_roundtrip(display) < 0)
		die_display("wl_display_roundtrip");
}

/* --- registry ------------------------------------------------------------- */

static void
registry_global(void *data, struct wl_registry *reg, uint32_t name,
		const char *interface, uint32_t version)
{
	(void) data;
	(void) reg;
	if (n_globals == cap_globals) {
		cap_globals = cap_globals ? cap_globals * 2 : 16;
		globals = realloc(globals, cap_globals * sizeof *globals);
		if (!globals)
			die("out of memory");
	}
	globals[n_globals].name = name;
	globals[n_globals].interface = strdup(interface);
	globals[n_globals].version = version;
	if (!globals[n_globals].interface)
		die("out of memory");
	n_globals++;
}

static void
registry_global_remove(void *data, struct wl_registry *reg, uint32_t name)
{
	size_t i;

	(void) data;
	(void) reg;
	for (i = 0; i < n_globals; i++) {
		if (globals[i].name == name) {
			free(globals[i].interface);
			memmove(&globals[i], &globals[i + 1],
				(n_globals - i - 1) * sizeof *globals);
			n_globals--;
			return;
		}
	}
}

static const struct wl_registry_listener registry_listener = {
	.global = registry_global,
	.global_remove = registry_global_remove,
};

static const struct global *
find_global(const char *interface)
{
	size_t i;

	for (i = 0; i < n_globals; i++)
		if (strcmp(globals[i].interface, interface) == 0)
			return &globals[i];
	return NULL;
}

static void
connect_display(const char *socket_name)
{
	/*
	 * libwayland takes absolute paths as they are and anything else
	 * relative to $XDG_RUNTIME_DIR; make "dir/name" and "./name" relative
	 * to the working directory instead.
	 */
	if (socket_name[0] != '/' && strchr(socket_name, '/')) {
		char *cwd = getcwd(NULL, 0);

		if (!cwd || asprintf(&abs_name, "%s/%s", cwd, socket_name) < 0)
			die("cannot make socket path absolute");
		free(cwd);
		socket_name = abs_name;
	}
	display = wl_display_connect(socket_name);
	if (!display)
		die("cannot connect to \"%s\": %s", socket_name,
		    strerror(errno));
}

static void
get_globals(void)
{
	registry = wl_display_get_registry(display);
	if (!registry)
		die("wl_display_get_registry failed");
	wl_registry_add_listener(registry, &registry_listener, NULL);
	roundtrip();
}

/* --- scenarios ------------------------------------------------------------ */

static int
scenario_globals(void)
{
	size_t i;

	get_globals();
	for (i = 0; i < n_globals; i++)
		out("global %u %s %u\n", globals[i].name,
		    globals[i].interface, globals[i].version);
	return 0;
}

static int
scenario_roundtrips(long n)
{
	long i;

	for (i = 0; i < n; i++)
		roundtrip();
	out("ok\n");
	return 0;
}

static void
shm_format(void *data, struct wl_shm *shm, uint32_t format)
{
	(void) data;
	(void) shm;
	out("format %u\n", format);
}

static const struct wl_shm_listener shm_listener = {
	.format = shm_format,
};

static int
scenario_shm(int32_t stride, bool expect_error)
{
	const struct global *g;
	struct wl_shm *shm;
	struct wl_shm_pool *pool;
	struct wl_buffer *buffer;
	int fd;

	get_globals();
	g = find_global("wl_shm");
	if (!g)
		die("no wl_shm global");
	shm = wl_registry_bind(registry, g->name, &wl_shm_interface, 1);
	wl_shm_add_listener(shm, &shm_listener, NULL);
	roundtrip(); /* collect the format events */

	fd = memfd_create("test-client-shm", MFD_CLOEXEC);
	if (fd < 0)
		die("memfd_create: %s", strerror(errno));
	if (ftruncate(fd, SHM_POOL_SIZE) < 0)
		die("ftruncate: %s", strerror(errno));

	pool = wl_shm_create_pool(shm, fd, SHM_POOL_SIZE);
	close(fd); /* libwayland has its own copy until it is sent */
	buffer = wl_shm_pool_create_buffer(pool, 0, SHM_WIDTH, SHM_HEIGHT,
					   stride, WL_SHM_FORMAT_ARGB8888);
	/*
	 * With a bad stride keep the pool and buffer alive, so the error names
	 * the live object (libwayland-client reports "unknown 0" for an error
	 * on an object the client has already destroyed).
	 */
	if (!expect_error) {
		wl_buffer_destroy(buffer);
		wl_shm_pool_destroy(pool);
	}

	if (wl_display_roundtrip(display) < 0) {
		if (expect_error && print_protocol_error())
			return 0;
		die_display("wl_display_roundtrip");
	}
	if (expect_error)
		die("expected a protocol error for stride %d, got none",
		    stride);
	wl_shm_destroy(shm);
	out("ok\n");
	return 0;
}

static int
scenario_bind_bad_version(void)
{
	static struct wl_interface fake; /* must outlive the proxy */
	const struct global *g;
	void *proxy;

	get_globals();
	if (n_globals == 0)
		die("no globals advertised");
	g = &globals[0];

	/*
	 * wl_registry_bind only uses the interface's name (and version for the
	 * proxy); the error arrives before any event for the new object could.
	 */
	memset(&fake, 0, sizeof fake);
	fake.name = g->interface;
	fake.version = (int) (g->version + 1);
	proxy = wl_registry_bind(registry, g->name, &fake, g->version + 1);
	if (!proxy)
		die("wl_registry_bind failed");

	if (wl_display_roundtrip(display) < 0 && print_protocol_error())
		return 0;
	if (wl_display_get_error(display))
		die_display("wl_display_roundtrip");
	die("binding %s (name %u) at version %u: no protocol error",
	    g->interface, g->name, g->version + 1);
}

static int
scenario_wait_then_roundtrip(void)
{
	char line[256];

	out("connected\n");
	if (!fgets(line, sizeof line, stdin))
		die("stdin closed before a line was read");
	roundtrip();
	out("ok\n");
	return 0;
}

int
main(int argc, char *argv[])
{
	const char *socket_name = NULL, *scenario = NULL, *arg = NULL;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			socket_name = argv[++i];
		else if (strcmp(argv[i], "--scenario") == 0 && i + 1 < argc)
			scenario = argv[++i];
		else if (argv[i][0] != '-' && scenario && !arg)
			arg = argv[i];
		else
			usage();
	}
	if (!socket_name || !scenario)
		usage();
	if ((strcmp(scenario, "roundtrips") == 0) != (arg != NULL))
		usage();

	connect_display(socket_name);

	if (strcmp(scenario, "globals") == 0)
		ret = scenario_globals();
	else if (strcmp(scenario, "roundtrips") == 0)
		ret = scenario_roundtrips(parse_count(arg));
	else if (strcmp(scenario, "shm") == 0)
		ret = scenario_shm(SHM_STRIDE, false);
	else if (strcmp(scenario, "shm-bad-stride") == 0)
		ret = scenario_shm(4, true);
	else if (strcmp(scenario, "bind-bad-version") == 0)
		ret = scenario_bind_bad_version();
	else if (strcmp(scenario, "wait-then-roundtrip") == 0)
		ret = scenario_wait_then_roundtrip();
	else
		usage();

	wl_display_disconnect(display);
	free(abs_name);
	return ret;
}
