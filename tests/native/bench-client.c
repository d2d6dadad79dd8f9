/*
 * Copyright © 2025 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * bench-client: measure a Wayland server with the real libwayland-client.
 *
 *   bench-client --socket NAME_OR_PATH
 *                --mode (roundtrip|sync-pipelined|flood) --count N
 *
 *   roundtrip       N sequential wl_display_roundtrip
 *   sync-pipelined  N wl_display.sync sent back to back (at most WINDOW
 *                   unanswered), then dispatch until all N wl_callback.done
 *                   events have arrived
 *   flood           N wlt_peer.nop requests (if the server advertises
 *                   wlt_peer), otherwise N pairs wl_compositor.create_region
 *                   + wl_region.destroy (plus one wl_display.sync per
 *                   WINDOW pairs to bound the delete_id backlog); then one
 *                   wl_display_roundtrip
 *
 * Connecting and the initial registry round trip are not timed. Prints one
 * line:  <mode> <count> <total_ns> <ns_per_op>   (ns_per_op with 1 decimal)
 */

#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <wayland-client.h>

#include "test-peer-client-protocol.h"

/*
 * libwayland-client's output buffer holds 4096 bytes, and a request that
 * does not fit while the socket is full is a fatal error (EAGAIN). Flush
 * ourselves (waiting for POLLOUT) before it can fill up.
 */
#define FLUSH_THRESHOLD 3072

/*
 * Requests that make the server reply are kept at most this many ahead of
 * the replies that have arrived. A libwayland server disconnects a client
 * whose socket is full, and with an unbounded pipeline the server can answer
 * a long backlog of requests in one burst faster than we read it.
 */
#define WINDOW 1024

static struct wl_display *display;
static struct wl_registry *registry;
static struct wlt_peer *peer;
static struct wl_compositor *compositor;
static size_t queued_bytes;
static char *abs_name;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bench-client: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
		"usage: bench-client --socket NAME_OR_PATH "
		"--mode (roundtrip|sync-pipelined|flood) --count N\n");
	exit(2);
}

static void __attribute__((noreturn))
die_display(const char *what)
{
	int saved_errno = errno;
	int err = wl_display_get_error(display);

	/*
	 * A failed flush (EPIPE) does not put the display into an error
	 * state; read what the server sent last, it may be a protocol error.
	 */
	if (!err) {
		while (wl_display_dispatch(display) >= 0)
			;
		err = wl_display_get_error(display);
		if (err != EPROTO)
			err = saved_errno;
	}

	if (err == EPROTO) {
		const struct wl_interface *iface = NULL;
		uint32_t id = 0;
		uint32_t code;

		code = wl_display_get_protocol_error(display, &iface, &id);
		die("%s: protocol error %u on %s@%u", what, code,
		    iface ? iface->name : "unknown", id);
	}
	die("%s: %s", what, strerror(err));
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void
dispatch_pending(void)
{
	if (wl_display_dispatch_pending(display) < 0)
		die_display("wl_display_dispatch_pending");
}

/*
 * Flush everything queued. While the socket is full, wait for it to become
 * writable and meanwhile read and dispatch incoming events so that a server
 * that is busy replying to us cannot deadlock with us.
 */
static void
flush_all(void)
{
	int fd = wl_display_get_fd(display);

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };

		if (wl_display_flush(display) >= 0)
			break;
		if (errno != EAGAIN)
			die_display("wl_display_flush");

		while (wl_display_prepare_read(display) != 0)
			dispatch_pending();
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
			wl_display_cancel_read(display);
			die("poll: %s", strerror(errno));
		}
		if (pfd.revents & (POLLIN | POLLERR | POLLHUP)) {
			if (wl_display_read_events(display) < 0)
				die_display("wl_display_read_events");
		} else {
			wl_display_cancel_read(display);
		}
		dispatch_pending();
	}
	queued_bytes = 0;
}

/*
 * Read and dispatch everything that has already arrived, without blocking.
 * libwayland reads at most its 4096-byte input buffer at a time, so keep
 * going until the socket is empty: a libwayland server disconnects a client
 * whose socket stays full.
 */
static void
read_available(void)
{
	for (;;) {
		struct pollfd pfd = { .fd = wl_display_get_fd(display),
				      .events = POLLIN };

		while (wl_display_prepare_read(display) != 0)
			dispatch_pending();
		if (poll(&pfd, 1, 0) <= 0) {
			wl_display_cancel_read(display);
			return;
		}
		if (wl_display_read_events(display) < 0)
			die_display("wl_display_read_events");
		dispatch_pending();
	}
}

/* Account for a marshalled request of the given size. */
static void
queued(size_t bytes)
{
	queued_bytes += bytes;
	if (queued_bytes >= FLUSH_THRESHOLD) {
		flush_all();
		read_available();
	}
}

/* --- registry ------------------------------------------------------------- */

static void
registry_global(void *data, struct wl_registry *reg, uint32_t name,
		const char *interface, uint32_t version)
{
	(void) data;
	(void) version;
	if (strcmp(interface, wlt_peer_interface.name) == 0 && !peer)
		peer = wl_registry_bind(reg, name, &wlt_peer_interface, 1);
	else if (strcmp(interface, wl_compositor_interface.name) == 0 &&
		 !compositor)
		compositor = wl_registry_bind(reg, name,
					      &wl_compositor_interface, 1);
}

static void
registry_global_remove(void *data, struct wl_registry *reg, uint32_t name)
{
	(void) data;
	(void) reg;
	(void) name;
}

static const struct wl_registry_listener registry_listener = {
	.global = registry_global,
	.global_remove = registry_global_remove,
};

/* --- modes ---------------------------------------------------------------- */

static void
bench_roundtrip(long count)
{
	long i;

	for (i = 0; i < count; i++)
		if (wl_display_roundtrip(display) < 0)
			die_display("wl_display_roundtrip");
}

static long callbacks_done;

static void
sync_done(void *data, struct wl_callback *callback, uint32_t serial)
{
	(void) data;
	(void) serial;
	callbacks_done++;
	wl_callback_destroy(callback);
}

static const struct wl_callback_listener sync_listener = {
	.done = sync_done,
};

static void
bench_sync_pipelined(long count)
{
	long i;

	callbacks_done = 0;
	for (i = 0; i < count; i++) {
		struct wl_callback *cb;

		if (i - callbacks_done >= WINDOW) {
			flush_all();
			while (i - callbacks_done >= WINDOW)
				if (wl_display_dispatch(display) < 0)
					die_display("wl_display_dispatch");
		}
		cb = wl_display_sync(display);

		if (!cb)
			die_display("wl_display_sync");
		wl_callback_add_listener(cb, &sync_listener, NULL);
		queued(12);
	}
	flush_all();
	while (callbacks_done < count)
		if (wl_display_dispatch(display) < 0)
			die_display("wl_display_dispatch");
}

static struct wl_callback *marker;

static void
marker_done(void *data, struct wl_callback *callback, uint32_t serial)
{
	(void) data;
	(void) serial;
	wl_callback_destroy(callback);
	marker = NULL;
}

static const struct wl_callback_listener marker_listener = {
	.done = marker_done,
};

/*
 * Called every WINDOW requests that cause replies: wait until the server
 * has answered everything up to the previous call, then send a new marker
 * (a wl_display.sync). Keeps at most 2 * WINDOW such requests unanswered.
 */
static void
throttle(void)
{
	if (marker) {
		flush_all();
		while (marker)
			if (wl_display_dispatch(display) < 0)
				die_display("wl_display_dispatch");
	}
	marker = wl_display_sync(display);
	if (!marker)
		die_display("wl_display_sync");
	wl_callback_add_listener(marker, &marker_listener, NULL);
	queued(12);
}

static void
bench_flood(long count)
{
	long i;

	if (peer) {
		for (i = 0; i < count; i++) {
			wlt_peer_nop(peer);
			queued(8);
		}
	} else if (compositor) {
		for (i = 0; i < count; i++) {
			struct wl_region *region;

			if (i > 0 && i % WINDOW == 0)
				throttle(); /* each destroy gets a delete_id */
			region = wl_compositor_create_region(compositor);
			if (!region)
				die_display("wl_compositor_create_region");
			wl_region_destroy(region);
			queued(12 + 8);
		}
	} else {
		die("flood needs a wlt_peer or wl_compositor global");
	}
	flush_all();
	if (wl_display_roundtrip(display) < 0)
		die_display("wl_display_roundtrip");
}

int
main(int argc, char *argv[])
{
	const char *socket_name = NULL, *mode = NULL, *count_str = NULL;
	long count;
	char *end;
	uint64_t start, total;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			socket_name = argv[++i];
		else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc)
			mode = argv[++i];
		else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count_str = argv[++i];
		else
			usage();
	}
	if (!socket_name || !mode || !count_str)
		usage();
	errno = 0;
	count = strtol(count_str, &end, 10);
	if (errno || end == count_str || *end || count <= 0 || count > INT_MAX)
		die("invalid count '%s'", count_str);
	if (strcmp(mode, "roundtrip") != 0 &&
	    strcmp(mode, "sync-pipelined") != 0 &&
	    strcmp(mode, "flood") != 0)
		usage();

	/* As libwayland, but "dir/name" is relative to the working dir. */
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
	registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &registry_listener, NULL);
	if (wl_display_roundtrip(display) < 0)
		die_display("wl_display_roundtrip");

	start = now_ns();
	if (strcmp(mode, "roundtrip") == 0)
		bench_roundtrip(count);
	else if (strcmp(mode, "sync-pipelined") == 0)
		bench_sync_pipelined(count);
	else
		bench_flood(count);
	total = now_ns() - start;

	printf("%s %ld %llu %.1f\n", mode, count, (unsigned long long) total,
	       (double) total / (double) count);
	if (fflush(stdout) != 0)
		die("cannot write to stdout");

	if (peer)
		wlt_peer_destroy(peer);
	if (compositor)
		wl_compositor_destroy(compositor);
	wl_registry_destroy(registry);
	wl_display_roundtrip(display);
	wl_display_disconnect(display);
	free(abs_name);
	return 0;
}
