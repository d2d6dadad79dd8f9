/*
 * Copyright © 2026 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * bench-server: the libwayland server of the benchmark matrix
 * (bench/Wayland.Matrix), built on the real libwayland-server.
 *
 *   bench-server --socket PATH
 *
 * Offers what the matrix clients use, with handlers that do no more than
 * the protocol needs: wl_compositor (version 4; only create_region, whose
 * wl_region ignores add and subtract), libwayland's own wl_shm
 * (wl_display_init_shm: pools are mapped and unmapped as in a compositor)
 * and wlb_bench (protocols/bench-peer.xml). Prints "ready" once it accepts
 * connections; runs until SIGTERM or SIGINT.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <wayland-server.h>

#define PEER_NAME "bench-server"
#include "peer-server.h"

#include "bench-peer-server-protocol.h"

static struct wl_display *display;

static void
destroy_resource(struct wl_client *client, struct wl_resource *resource)
{
	(void) client;
	wl_resource_destroy(resource);
}

/* --- wl_region / wl_compositor -------------------------------------------- */

static void
region_rect(struct wl_client *client, struct wl_resource *resource,
	    int32_t x, int32_t y, int32_t width, int32_t height)
{
	(void) client;
	(void) resource;
	(void) x;
	(void) y;
	(void) width;
	(void) height;
}

static const struct wl_region_interface region_impl = {
	.destroy = destroy_resource,
	.add = region_rect,
	.subtract = region_rect,
};

static void
compositor_create_surface(struct wl_client *client,
			  struct wl_resource *resource, uint32_t id)
{
	(void) client;
	(void) id;
	wl_resource_post_error(resource, 0,
			       "bench-server has no surfaces");
}

static void
compositor_create_region(struct wl_client *client,
			 struct wl_resource *resource, uint32_t id)
{
	struct wl_resource *region;

	region = wl_resource_create(client, &wl_region_interface,
				    wl_resource_get_version(resource), id);
	if (!region) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(region, &region_impl, NULL, NULL);
}

static const struct wl_compositor_interface compositor_impl = {
	.create_surface = compositor_create_surface,
	.create_region = compositor_create_region,
};

static void
bind_compositor(struct wl_client *client, void *data, uint32_t version,
		uint32_t id)
{
	struct wl_resource *resource;

	(void) data;
	resource = wl_resource_create(client, &wl_compositor_interface,
				      (int) version, id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, &compositor_impl, NULL,
				       NULL);
}

/* --- wlb_bench ------------------------------------------------------------- */

static void
bench_flood(struct wl_client *client, struct wl_resource *resource,
	    uint32_t count)
{
	uint32_t i;

	(void) client;
	for (i = 0; i < count; i++)
		wlb_bench_send_tick(resource, i);
}

static uint64_t last_cpu_us;

static uint64_t
cpu_us(void)
{
	struct rusage usage;

	getrusage(RUSAGE_SELF, &usage);
	return (uint64_t) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) *
		       1000000u +
	       (uint64_t) (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

static void
bench_mark(struct wl_client *client, struct wl_resource *resource)
{
	uint64_t now = cpu_us();
	uint32_t used = (uint32_t) (now - last_cpu_us);

	(void) client;
	last_cpu_us = now;
	/* Allocation counters are a managed-runtime notion: "cannot tell". */
	wlb_bench_send_marked(resource, UINT32_MAX, UINT32_MAX, used);
}

static const struct wlb_bench_interface bench_impl = {
	.flood = bench_flood,
	.mark = bench_mark,
	.destroy = destroy_resource,
};

static void
bind_bench(struct wl_client *client, void *data, uint32_t version,
	   uint32_t id)
{
	struct wl_resource *resource;

	(void) data;
	resource = wl_resource_create(client, &wlb_bench_interface,
				      (int) version, id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, &bench_impl, NULL, NULL);
}

/* --- main ------------------------------------------------------------------ */

int
main(int argc, char *argv[])
{
	struct peer_server server;
	struct rlimit limit;

	if (argc != 3 || strcmp(argv[1], "--socket") != 0 ||
	    argv[2][0] != '/') {
		fprintf(stderr, "usage: bench-server --socket ABSOLUTE_PATH\n");
		return 2;
	}

	/* The idle-client measurement connects 1000 clients. */
	if (getrlimit(RLIMIT_NOFILE, &limit) == 0 &&
	    limit.rlim_cur < limit.rlim_max) {
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
	}

	display = peer_server_create(&server);

	if (!wl_global_create(display, &wl_compositor_interface, 4, NULL,
			      bind_compositor))
		die("wl_global_create(wl_compositor) failed");
	if (wl_display_init_shm(display) < 0)
		die("wl_display_init_shm failed");
	if (!wl_global_create(display, &wlb_bench_interface, 1, NULL,
			      bind_bench))
		die("wl_global_create(wlb_bench) failed");

	if (wl_display_add_socket(display, argv[2]) < 0)
		die("wl_display_add_socket(\"%s\") failed: %s", argv[2],
		    strerror(errno));

	peer_server_run(&server);
	peer_server_destroy(&server);
	return 0;
}
