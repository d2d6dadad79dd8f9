/*
 * Copyright © 2026 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * matrix-client: the libwayland client of the benchmark matrix
 * (bench/Wayland.Matrix). The managed client in bench/Wayland.Matrix
 * (MatrixClient.cs) does the same steps through Wayland.Client.
 *
 *   matrix-client --socket PATH --workload NAME --count N --warmup W
 *
 * Workloads (N operations each):
 *   roundtrip     N x wl_display_roundtrip
 *   sync          N x wl_display.sync; flush every 256; at most 2048
 *                 unanswered; after each flush read what is readable
 *                 (prepare_read, poll(0), read_events, dispatch_pending)
 *   region        N x wl_region.add on one region, flush every 128, then
 *                 one roundtrip
 *   shm           N x (wl_shm.create_pool on one memfd + wl_shm_pool.destroy),
 *                 flush every 28, a roundtrip every 1000 and at the end
 *   events        wlb_bench.flood(1000) answered by 1000 tick events,
 *                 N events in all
 *
 * The workload runs W times untimed first (warm-up for a managed server).
 * Then wlb_bench.mark, the timed run, and wlb_bench.mark again. Prints one
 * line: <ns_per_op> <server_bytes_per_op> -1 <client_cpu_ns_per_op>
 * <server_cpu_ns_per_op>, server bytes -1 when the server cannot tell (the
 * -1 stands for the client's allocations, which only the managed client
 * counts). CPU time is user + system time of each whole process.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <wayland-client.h>

#define PEER_NAME "matrix-client"
#include "peer-common.h"

#include "bench-peer-client-protocol.h"

#define SYNC_FLUSH 256
#define SYNC_WINDOW 2048
#define REGION_FLUSH 128
#define SHM_FLUSH 28
#define SHM_ROUNDTRIP 1000
#define FLOOD_BURST 1000

static struct wl_display *display;
static struct wl_compositor *compositor;
static struct wl_shm *shm;
static struct wlb_bench *bench;

static void __attribute__((noreturn))
die_display(const char *what)
{
	int err = wl_display_get_error(display);

	die("%s failed: %s", what, strerror(err ? err : errno));
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void
dispatch_pending(void)
{
	if (wl_display_dispatch_pending(display) < 0)
		die_display("wl_display_dispatch_pending");
}

static void
dispatch(void)
{
	if (wl_display_dispatch(display) < 0)
		die_display("wl_display_dispatch");
}

static void
roundtrip(void)
{
	if (wl_display_roundtrip(display) < 0)
		die_display("wl_display_roundtrip");
}

/* Flush all; while the socket is full, read and dispatch what arrives. */
static void
flush_all(void)
{
	int fd = wl_display_get_fd(display);

	while (wl_display_flush(display) < 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };

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
}

/* prepare_read, poll(0), read_events, dispatch_pending: once. */
static void
read_readable(void)
{
	struct pollfd pfd = { .fd = wl_display_get_fd(display),
			      .events = POLLIN };

	while (wl_display_prepare_read(display) != 0)
		dispatch_pending();
	if (poll(&pfd, 1, 0) > 0) {
		if (wl_display_read_events(display) < 0)
			die_display("wl_display_read_events");
	} else {
		wl_display_cancel_read(display);
	}
	dispatch_pending();
}

/* --- registry and wlb_bench events ---------------------------------------- */

static void
registry_global(void *data, struct wl_registry *reg, uint32_t name,
		const char *interface, uint32_t version)
{
	(void) data;
	(void) version;
	if (strcmp(interface, "wl_compositor") == 0)
		compositor = wl_registry_bind(reg, name,
					      &wl_compositor_interface, 4);
	else if (strcmp(interface, "wl_shm") == 0)
		shm = wl_registry_bind(reg, name, &wl_shm_interface, 1);
	else if (strcmp(interface, "wlb_bench") == 0)
		bench = wl_registry_bind(reg, name, &wlb_bench_interface, 1);
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

static long ticks;
static int64_t marked_bytes;
static uint32_t marked_cpu_us;
static int marked;

static void
bench_tick(void *data, struct wlb_bench *b, uint32_t value)
{
	(void) data;
	(void) b;
	(void) value;
	ticks++;
}

static void
bench_marked(void *data, struct wlb_bench *b, uint32_t hi, uint32_t lo,
	     uint32_t cpu)
{
	(void) data;
	(void) b;
	marked_bytes = hi == UINT32_MAX && lo == UINT32_MAX
		? -1 : (int64_t) (((uint64_t) hi << 32) | lo);
	marked_cpu_us = cpu;
	marked = 1;
}

static const struct wlb_bench_listener bench_listener = {
	.tick = bench_tick,
	.marked = bench_marked,
};

static int64_t
mark(void)
{
	marked = 0;
	wlb_bench_mark(bench);
	while (!marked)
		roundtrip();
	return marked_bytes;
}

/* --- workloads ------------------------------------------------------------- */

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
run_roundtrip(long count)
{
	for (long i = 0; i < count; i++)
		roundtrip();
}

static void
run_sync(long count)
{
	callbacks_done = 0;
	for (long i = 0; i < count; i++) {
		struct wl_callback *cb;

		if (i - callbacks_done >= SYNC_WINDOW) {
			flush_all();
			while (i - callbacks_done >= SYNC_WINDOW)
				dispatch();
		}
		cb = wl_display_sync(display);
		if (!cb)
			die_display("wl_display_sync");
		wl_callback_add_listener(cb, &sync_listener, NULL);
		if ((i + 1) % SYNC_FLUSH == 0) {
			flush_all();
			read_readable();
		}
	}
	flush_all();
	while (callbacks_done < count)
		dispatch();
}

static void
run_region(long count)
{
	struct wl_region *region = wl_compositor_create_region(compositor);

	for (long i = 0; i < count; i++) {
		wl_region_add(region, 0, 0, 1, 1);
		if ((i + 1) % REGION_FLUSH == 0)
			flush_all();
	}
	wl_region_destroy(region);
	flush_all();
	roundtrip();
}

static void
run_shm(long count, int memfd)
{
	for (long i = 0; i < count; i++) {
		struct wl_shm_pool *pool = wl_shm_create_pool(shm, memfd, 4096);

		wl_shm_pool_destroy(pool);
		if ((i + 1) % SHM_FLUSH == 0)
			flush_all();
		if ((i + 1) % SHM_ROUNDTRIP == 0)
			roundtrip();
	}
	flush_all();
	roundtrip();
}

static void
run_events(long count)
{
	long sent = 0;

	ticks = 0;
	while (sent < count) {
		long burst = count - sent < FLOOD_BURST ? count - sent
							: FLOOD_BURST;

		wlb_bench_flood(bench, (uint32_t) burst);
		sent += burst;
		flush_all();
		while (ticks < sent)
			dispatch();
	}
}

static void
run(const char *workload, long count, int memfd)
{
	if (strcmp(workload, "roundtrip") == 0)
		run_roundtrip(count);
	else if (strcmp(workload, "sync") == 0)
		run_sync(count);
	else if (strcmp(workload, "region") == 0)
		run_region(count);
	else if (strcmp(workload, "shm") == 0)
		run_shm(count, memfd);
	else if (strcmp(workload, "events") == 0)
		run_events(count);
	else
		die("unknown workload '%s'", workload);
}

int
main(int argc, char *argv[])
{
	const char *socket_path = NULL, *workload = NULL;
	long count = -1, warmup = 0;
	struct wl_registry *registry;
	uint64_t start, total, cpu_start, cpu_total;
	int64_t server_bytes;
	int memfd;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--socket") == 0)
			socket_path = argv[i + 1];
		else if (strcmp(argv[i], "--workload") == 0)
			workload = argv[i + 1];
		else if (strcmp(argv[i], "--count") == 0)
			count = parse_count(argv[i + 1]);
		else if (strcmp(argv[i], "--warmup") == 0)
			warmup = parse_count(argv[i + 1]);
		else
			die("unknown option '%s'", argv[i]);
	}
	if (!socket_path || !workload || count <= 0 || argc % 2 == 0)
		die("usage: matrix-client --socket PATH --workload NAME "
		    "--count N [--warmup W]");

	display = wl_display_connect(socket_path);
	if (!display)
		die("cannot connect to %s: %s", socket_path, strerror(errno));
	registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &registry_listener, NULL);
	roundtrip();
	if (!compositor || !shm || !bench)
		die("the server lacks wl_compositor, wl_shm or wlb_bench");
	wlb_bench_add_listener(bench, &bench_listener, NULL);
	memfd = memfd_create("matrix-client", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, 4096) < 0)
		die("memfd: %s", strerror(errno));

	if (warmup > 0)
		run(workload, warmup, memfd);
	mark();
	cpu_start = cpu_ns();
	start = now_ns();
	run(workload, count, memfd);
	total = now_ns() - start;
	cpu_total = cpu_ns() - cpu_start;
	server_bytes = mark();

	printf("%.1f %.2f -1 %.1f %.1f\n", (double) total / (double) count,
	       server_bytes < 0 ? -1.0 : (double) server_bytes / (double) count,
	       (double) cpu_total / (double) count,
	       (double) marked_cpu_us * 1000.0 / (double) count);
	if (fflush(stdout) != 0)
		die("cannot write to stdout");

	close(memfd);
	wlb_bench_destroy(bench);
	wl_shm_destroy(shm);
	wl_compositor_destroy(compositor);
	wl_registry_destroy(registry);
	roundtrip();
	wl_display_disconnect(display);
	return 0;
}
