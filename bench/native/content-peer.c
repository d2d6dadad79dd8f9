/*
 * Copyright © 2026 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * content-peer: libwayland clients for measuring what other clients cost a
 * compositor: memory while big clients are connected and after they leave,
 * and the time a bystander waits while another client churns big surfaces
 * or floods it with cheap requests over many connections.
 *
 *   content-peer hold --surfaces S --side PX
 *       commits S surfaces without a role, each a PX x PX XRGB buffer, does
 *       a roundtrip, prints "held" and sleeps until it is killed.
 *   content-peer churn --side PX [--seconds T]
 *       for T seconds (default: until killed): creates a surface, commits a
 *       PX x PX buffer on it, destroys it; a roundtrip after each, so the
 *       compositor is never more than one surface behind. Prints the number
 *       of surfaces made.
 *   content-peer regions --connections K [--seconds T]
 *       opens K connections, makes a wl_region on each, then for T seconds
 *       (default: until killed) writes wl_region.add requests of one same
 *       rectangle to each in turn, as fast as the compositor reads them
 *       (raw writes of 680 requests, skipped while a socket is full). Prints
 *       "flooding" once every connection is set up, and at the end the number
 *       of requests written.
 *   content-peer bystander --seconds T [--interval-ms I]
 *       times wl_display.sync roundtrips for T seconds, one every I ms
 *       (default 5), and prints
 *         roundtrips N median_us M p99_us P max_us X
 *
 * Buffers come from a memfd sealed against shrinking (as weston's and most
 * toolkits' are), so a compositor may read them in place.
 * Exit status 2 for usage errors, 1 for failures.
 */

#define _GNU_SOURCE

#define PEER_NAME "content-peer"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client.h>

#include "peer-common.h"

static struct wl_compositor *compositor;
static struct wl_shm *shm;

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name,
		const char *interface, uint32_t version)
{
	(void) data;
	(void) version;
	if (strcmp(interface, wl_compositor_interface.name) == 0)
		compositor = wl_registry_bind(registry, name,
					      &wl_compositor_interface, 4);
	else if (strcmp(interface, wl_shm_interface.name) == 0)
		shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
}

static void
registry_global_remove(void *data, struct wl_registry *registry,
		       uint32_t name)
{
	(void) data;
	(void) registry;
	(void) name;
}

static const struct wl_registry_listener registry_listener = {
	registry_global,
	registry_global_remove,
};

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
compare_doubles(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return (x > y) - (x < y);
}

/* A PX x PX XRGB buffer from a sealed memfd, filled with grey. */
static struct wl_buffer *
make_buffer(int side)
{
	size_t size = (size_t) side * side * 4;
	int fd = memfd_create("content-peer", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	struct wl_shm_pool *pool;
	struct wl_buffer *buffer;
	void *pixels;

	if (fd < 0 || ftruncate(fd, (off_t) size) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)
		die("memfd: %m");
	pixels = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (pixels == MAP_FAILED)
		die("mmap: %m");
	memset(pixels, 0x80, size);
	munmap(pixels, size);
	pool = wl_shm_create_pool(shm, fd, (int32_t) size);
	buffer = wl_shm_pool_create_buffer(pool, 0, side, side, side * 4,
					   WL_SHM_FORMAT_XRGB8888);
	wl_shm_pool_destroy(pool);
	close(fd);
	return buffer;
}

int
main(int argc, char *argv[])
{
	int surfaces = 1, side = 1, interval_ms = 5, connections = 0;
	double seconds = -1;
	struct wl_display *display;
	struct wl_registry *registry;
	const char *mode;

	if (argc < 2)
		goto usage;
	mode = argv[1];
	for (int i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--surfaces") == 0)
			surfaces = (int) parse_count(argv[i + 1]);
		else if (strcmp(argv[i], "--side") == 0)
			side = (int) parse_count(argv[i + 1]);
		else if (strcmp(argv[i], "--seconds") == 0)
			seconds = (double) parse_count(argv[i + 1]);
		else if (strcmp(argv[i], "--interval-ms") == 0)
			interval_ms = (int) parse_count(argv[i + 1]);
		else if (strcmp(argv[i], "--connections") == 0)
			connections = (int) parse_count(argv[i + 1]);
		else
			goto usage;
	}
	if (side < 1 || side > 16384)
		goto usage;

	display = wl_display_connect(NULL);
	if (display == NULL)
		die("cannot connect: %m");
	registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &registry_listener, NULL);
	if (wl_display_roundtrip(display) < 0 || compositor == NULL || shm == NULL)
		die("no wl_compositor or wl_shm");

	if (strcmp(mode, "hold") == 0) {
		struct wl_buffer *buffer = make_buffer(side);

		for (int i = 0; i < surfaces; i++) {
			struct wl_surface *surface =
				wl_compositor_create_surface(compositor);

			wl_surface_attach(surface, buffer, 0, 0);
			wl_surface_commit(surface);
		}
		if (wl_display_roundtrip(display) < 0)
			die("roundtrip failed (error %d)",
			    wl_display_get_error(display));
		printf("held\n");
		fflush(stdout);
		for (;;)
			pause();
	} else if (strcmp(mode, "churn") == 0) {
		struct wl_buffer *buffer = make_buffer(side);
		double end = seconds < 0 ? 0 : now_us() + seconds * 1e6;
		long made = 0;

		while (end == 0 || now_us() < end) {
			struct wl_surface *surface =
				wl_compositor_create_surface(compositor);

			wl_surface_attach(surface, buffer, 0, 0);
			wl_surface_commit(surface);
			wl_surface_destroy(surface);
			if (wl_display_roundtrip(display) < 0)
				die("roundtrip failed (error %d)",
				    wl_display_get_error(display));
			made++;
		}
		printf("surfaces %ld\n", made);
	} else if (strcmp(mode, "regions") == 0) {
		enum { PER_WRITE = 680, WORDS = 6 };
		static uint32_t requests[PER_WRITE * WORDS];
		int *fds = calloc((size_t) connections, sizeof *fds);
		uint32_t *ids = calloc((size_t) connections, sizeof *ids);
		double end = seconds < 0 ? 0 : now_us() + seconds * 1e6;
		long written = 0;

		if (connections < 1 || fds == NULL || ids == NULL)
			goto usage;
		for (int c = 0; c < connections; c++) {
			struct wl_display *d = c == 0 ? display : wl_display_connect(NULL);
			struct wl_region *region;

			if (d == NULL)
				die("connection %d: cannot connect: %m", c);
			if (c > 0) {
				compositor = NULL;
				wl_registry_add_listener(wl_display_get_registry(d),
							 &registry_listener, NULL);
				if (wl_display_roundtrip(d) < 0 || compositor == NULL)
					die("connection %d: no wl_compositor", c);
			}
			region = wl_compositor_create_region(compositor);
			wl_region_add(region, 0, 0, 10, 10);
			if (wl_display_roundtrip(d) < 0)
				die("connection %d: roundtrip failed", c);
			fds[c] = wl_display_get_fd(d);
			ids[c] = wl_proxy_get_id((struct wl_proxy *) region);
			if (fcntl(fds[c], F_SETFL, O_NONBLOCK) < 0)
				die("fcntl: %m");
		}
		printf("flooding\n");
		fflush(stdout);
		while (end == 0 || now_us() < end) {
			for (int c = 0; c < connections; c++) {
				for (int i = 0; i < PER_WRITE; i++) {
					uint32_t *m = requests + i * WORDS;

					m[0] = ids[c];
					m[1] = (WORDS * 4u) << 16 | WL_REGION_ADD;
					m[2] = 0;
					m[3] = 0;
					m[4] = 10;
					m[5] = 10;
				}
				ssize_t n = write(fds[c], requests, sizeof requests);

				if (n > 0)
					written += n / (WORDS * 4);
				else if (n < 0 && errno != EAGAIN)
					die("connection %d: write: %m", c);
			}
		}
		printf("requests %ld\n", written);
		return 0;
	} else if (strcmp(mode, "bystander") == 0) {
		size_t cap = 1024, n = 0;
		double *times = malloc(cap * sizeof *times);
		double end = now_us() + (seconds < 0 ? 10 : seconds) * 1e6;

		if (times == NULL)
			die("out of memory");
		while (now_us() < end) {
			double start = now_us();

			if (wl_display_roundtrip(display) < 0)
				die("roundtrip failed");
			if (n == cap) {
				cap *= 2;
				times = realloc(times, cap * sizeof *times);
				if (times == NULL)
					die("out of memory");
			}
			times[n++] = now_us() - start;
			usleep((useconds_t) interval_ms * 1000);
		}
		qsort(times, n, sizeof *times, compare_doubles);
		printf("roundtrips %zu median_us %.0f p99_us %.0f max_us %.0f\n",
		       n, times[n / 2], times[(size_t) ((n - 1) * 0.99)],
		       times[n - 1]);
	} else {
		goto usage;
	}
	wl_display_disconnect(display);
	return 0;

usage:
	fprintf(stderr, "usage: content-peer hold --surfaces S --side PX\n"
			"       content-peer churn --side PX [--seconds T]\n"
			"       content-peer regions --connections K [--seconds T]\n"
			"       content-peer bystander --seconds T [--interval-ms I]\n");
	return 2;
}
