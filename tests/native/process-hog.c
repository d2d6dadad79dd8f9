/*
 * Copyright © 2026 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * process-hog: a hostile libwayland client that makes a compositor hold
 * surface content and mapped windows over many connections, each within
 * any per-connection limit, to show that a compositor's limits count them
 * for the whole process.
 *
 *   process-hog --connections N [--windows W] [--surfaces S] [--side PX]
 *
 * Connects to $WAYLAND_DISPLAY N times, one connection after the other. On
 * each it commits S surfaces without a role and maps W xdg_toplevels, each
 * with a PX x PX shm buffer (default 1), all cut from one memfd shared by
 * every connection (the compositor copies each, so it pays for every
 * surface), and does a roundtrip before opening the next connection. It
 * answers xdg_wm_base.ping only during its roundtrips. Then it prints one
 * line on stdout:
 *   opened O refused R no_memory M
 * (O: connections that got through; R: connections that failed without a
 * protocol error, connect included; M: those that got wl_display.error
 * no_memory) and sleeps until it is killed, holding what it made.
 * Exit status 2 for usage or setup errors.
 */

#define _GNU_SOURCE

#define PEER_NAME "process-hog"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wayland-client.h>

#include "peer-common.h"
#include "xdg-shell-client-protocol.h"

struct hog_connection {
	struct wl_display *display;
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct xdg_wm_base *wm_base;
};

static void
wm_base_ping(void *data, struct xdg_wm_base *base, uint32_t serial)
{
	(void) data;
	xdg_wm_base_pong(base, serial);
}

static const struct xdg_wm_base_listener wm_base_listener = { wm_base_ping };

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name,
		const char *interface, uint32_t version)
{
	struct hog_connection *connection = data;

	(void) version;
	if (strcmp(interface, wl_compositor_interface.name) == 0 &&
	    connection->compositor == NULL)
		connection->compositor = wl_registry_bind(registry, name,
							  &wl_compositor_interface, 4);
	else if (strcmp(interface, wl_shm_interface.name) == 0 &&
		 connection->shm == NULL)
		connection->shm = wl_registry_bind(registry, name,
						   &wl_shm_interface, 1);
	else if (strcmp(interface, xdg_wm_base_interface.name) == 0 &&
		 connection->wm_base == NULL) {
		connection->wm_base = wl_registry_bind(registry, name,
						       &xdg_wm_base_interface, 1);
		xdg_wm_base_add_listener(connection->wm_base,
					 &wm_base_listener, NULL);
	}
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

/* The serial of the latest xdg_surface.configure, 0 before the first. */
static void
xdg_surface_configure(void *data, struct xdg_surface *xdg_surface,
		      uint32_t serial)
{
	(void) xdg_surface;
	*(uint32_t *) data = serial;
}

static const struct xdg_surface_listener xdg_surface_listener = {
	xdg_surface_configure,
};

/* Commits S surfaces and maps W windows on one connection; false when the
 * connection failed on the way. */
static int
fill(struct hog_connection *connection, int fd, int side, int surfaces,
     int windows)
{
	struct wl_shm_pool *pool;
	struct wl_buffer *buffer;
	struct wl_surface **window_surfaces;
	struct xdg_surface **xdg_surfaces;
	uint32_t *serials;
	int ok;

	if (connection->compositor == NULL || connection->shm == NULL ||
	    (windows > 0 && connection->wm_base == NULL))
		die("a global is missing");

	pool = wl_shm_create_pool(connection->shm, fd, side * side * 4);
	buffer = wl_shm_pool_create_buffer(pool, 0, side, side, side * 4,
					   WL_SHM_FORMAT_XRGB8888);
	for (int i = 0; i < surfaces; i++) {
		struct wl_surface *surface =
			wl_compositor_create_surface(connection->compositor);

		wl_surface_attach(surface, buffer, 0, 0);
		wl_surface_commit(surface);
	}

	window_surfaces = calloc(windows + 1, sizeof *window_surfaces);
	xdg_surfaces = calloc(windows + 1, sizeof *xdg_surfaces);
	serials = calloc(windows + 1, sizeof *serials);
	if (window_surfaces == NULL || xdg_surfaces == NULL || serials == NULL)
		die("out of memory");
	for (int i = 0; i < windows; i++) {
		window_surfaces[i] =
			wl_compositor_create_surface(connection->compositor);
		xdg_surfaces[i] = xdg_wm_base_get_xdg_surface(connection->wm_base,
							      window_surfaces[i]);
		xdg_surface_add_listener(xdg_surfaces[i],
					 &xdg_surface_listener, &serials[i]);
		xdg_surface_get_toplevel(xdg_surfaces[i]);
		wl_surface_commit(window_surfaces[i]);
	}

	ok = wl_display_roundtrip(connection->display) >= 0;
	for (int i = 0; ok && i < windows; i++) {
		xdg_surface_ack_configure(xdg_surfaces[i], serials[i]);
		wl_surface_attach(window_surfaces[i], buffer, 0, 0);
		wl_surface_commit(window_surfaces[i]);
	}

	ok = ok && wl_display_roundtrip(connection->display) >= 0;
	free(window_surfaces);
	free(xdg_surfaces);
	free(serials);
	return ok;
}

int
main(int argc, char *argv[])
{
	int count = -1, windows = 0, surfaces = 0, side = 1;
	int opened = 0, refused = 0, no_memory = 0, fd;
	struct hog_connection *connections;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--connections") == 0)
			count = (int) parse_count(argv[i + 1]);
		else if (strcmp(argv[i], "--windows") == 0)
			windows = (int) parse_count(argv[i + 1]);
		else if (strcmp(argv[i], "--surfaces") == 0)
			surfaces = (int) parse_count(argv[i + 1]);
		else if (strcmp(argv[i], "--side") == 0)
			side = (int) parse_count(argv[i + 1]);
	}
	if (count < 0 || side < 1 || side > 4096) {
		fprintf(stderr, "usage: process-hog --connections N "
				"[--windows W] [--surfaces S] [--side PX]\n");
		return 2;
	}

	fd = memfd_create("process-hog", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t) side * side * 4) < 0) {
		fprintf(stderr, "process-hog: memfd: %s\n", strerror(errno));
		return 2;
	}

	connections = calloc(count + 1, sizeof *connections);
	if (connections == NULL)
		return 2;

	for (int i = 0; i < count; i++) {
		struct hog_connection *connection = &connections[i];
		struct wl_registry *registry;

		connection->display = wl_display_connect(NULL);
		if (connection->display == NULL) {
			refused++;
			continue;
		}

		registry = wl_display_get_registry(connection->display);
		wl_registry_add_listener(registry, &registry_listener,
					 connection);
		if (wl_display_roundtrip(connection->display) >= 0 &&
		    fill(connection, fd, side, surfaces, windows)) {
			opened++;
			continue;
		}
		/* libwayland reports wl_display's no_memory as ENOMEM. */
		if (wl_display_get_error(connection->display) == ENOMEM)
			no_memory++;
		else
			refused++;
		wl_display_disconnect(connection->display);
		connection->display = NULL;
	}

	printf("opened %d refused %d no_memory %d\n", opened, refused,
	       no_memory);
	fflush(stdout);
	for (;;)
		pause();
}
