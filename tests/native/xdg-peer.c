/*
 * Copyright © 2026 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * xdg-peer: a libwayland xdg-shell client for compositor tests.
 *
 *   xdg-peer mute TITLE
 *     Maps a 64x64 window titled TITLE and never answers xdg_wm_base.ping.
 *     Prints "mapped" once the window is committed, then dispatches until the
 *     compositor closes the connection and prints "disconnected: REASON".
 *     Exit status 0 after a disconnection, 1 otherwise.
 *
 *   xdg-peer opaque TITLE
 *     Maps a 64x64 window titled TITLE of translucent blue (ARGB8888
 *     0x80000080, premultiplied) whose opaque region (wl_surface.
 *     set_opaque_region) is its left half, 32x64. Prints "mapped", then stays
 *     connected until it is killed or the connection ends.
 *
 *   xdg-peer activation
 *     Maps window "A", then window "B" (answering pings), and uses
 *     xdg_activation_v1, printing one line per step with whether A and B are
 *     activated (from their last xdg_toplevel.configure) after a roundtrip:
 *       "bogus A=0|1 B=0|1"     after activate("no-such-token", A)
 *       "token TOKEN"           the token made for surface B
 *       "valid A=0|1 B=0|1"     after activate(TOKEN, A)
 *       "reused A=0|1 B=0|1"    after activate(TOKEN, B) again
 *     then stays connected until it is killed or the connection ends.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <wayland-client.h>

#include "xdg-activation-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"

struct window {
	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	bool configured;
	bool activated;
	bool pending_activated;
};

static struct wl_compositor *compositor;
static struct wl_shm *shm;
static struct xdg_wm_base *wm_base;
static struct xdg_activation_v1 *activation;
static bool answer_pings = true;
static char token[256];
static bool token_done;

static void
die(const char *message)
{
	fprintf(stderr, "xdg-peer: %s (%s)\n", message, strerror(errno));
	exit(2);
}

static void
wm_base_ping(void *data, struct xdg_wm_base *base, uint32_t serial)
{
	(void)data;
	if (answer_pings)
		xdg_wm_base_pong(base, serial);
}

static const struct xdg_wm_base_listener wm_base_listener = { wm_base_ping };

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name, const char *interface, uint32_t version)
{
	(void)data;
	(void)version;
	if (strcmp(interface, wl_compositor_interface.name) == 0)
		compositor = wl_registry_bind(registry, name, &wl_compositor_interface, 4);
	else if (strcmp(interface, wl_shm_interface.name) == 0)
		shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
	else if (strcmp(interface, xdg_wm_base_interface.name) == 0) {
		wm_base = wl_registry_bind(registry, name, &xdg_wm_base_interface, 1);
		xdg_wm_base_add_listener(wm_base, &wm_base_listener, NULL);
	} else if (strcmp(interface, xdg_activation_v1_interface.name) == 0)
		activation = wl_registry_bind(registry, name, &xdg_activation_v1_interface, 1);
}

static void
registry_global_remove(void *data, struct wl_registry *registry, uint32_t name)
{
	(void)data;
	(void)registry;
	(void)name;
}

static const struct wl_registry_listener registry_listener = { registry_global, registry_global_remove };

static void
xdg_surface_configure(void *data, struct xdg_surface *xdg_surface, uint32_t serial)
{
	struct window *window = data;
	xdg_surface_ack_configure(xdg_surface, serial);
	window->configured = true;
	window->activated = window->pending_activated;
}

static const struct xdg_surface_listener xdg_surface_listener = { xdg_surface_configure };

static void
toplevel_configure(void *data, struct xdg_toplevel *toplevel, int32_t width, int32_t height, struct wl_array *states)
{
	struct window *window = data;
	uint32_t *state;
	(void)toplevel;
	(void)width;
	(void)height;
	window->pending_activated = false;
	wl_array_for_each(state, states) {
		if (*state == XDG_TOPLEVEL_STATE_ACTIVATED)
			window->pending_activated = true;
	}
}

static void
toplevel_close(void *data, struct xdg_toplevel *toplevel)
{
	(void)data;
	(void)toplevel;
}

static const struct xdg_toplevel_listener toplevel_listener = { toplevel_configure, toplevel_close, NULL, NULL };

static struct wl_buffer *
make_buffer(int width, int height, uint32_t color)
{
	int stride = width * 4;
	int size = stride * height;
	int fd = memfd_create("xdg-peer", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, size) < 0)
		die("memfd");
	uint32_t *pixels = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (pixels == MAP_FAILED)
		die("mmap");
	for (int i = 0; i < width * height; i++)
		pixels[i] = color;
	munmap(pixels, size);
	struct wl_shm_pool *pool = wl_shm_create_pool(shm, fd, size);
	struct wl_buffer *buffer = wl_shm_pool_create_buffer(pool, 0, width, height, stride, WL_SHM_FORMAT_ARGB8888);
	wl_shm_pool_destroy(pool);
	close(fd);
	return buffer;
}

static void
map_window(struct wl_display *display, struct window *window, const char *title, uint32_t color, int opaque_width)
{
	window->surface = wl_compositor_create_surface(compositor);
	window->xdg_surface = xdg_wm_base_get_xdg_surface(wm_base, window->surface);
	xdg_surface_add_listener(window->xdg_surface, &xdg_surface_listener, window);
	window->toplevel = xdg_surface_get_toplevel(window->xdg_surface);
	xdg_toplevel_add_listener(window->toplevel, &toplevel_listener, window);
	xdg_toplevel_set_title(window->toplevel, title);
	wl_surface_commit(window->surface);
	while (!window->configured)
		if (wl_display_dispatch(display) < 0)
			die("dispatch while waiting for configure");
	if (opaque_width > 0) {
		struct wl_region *region = wl_compositor_create_region(compositor);
		wl_region_add(region, 0, 0, opaque_width, 64);
		wl_surface_set_opaque_region(window->surface, region);
		wl_region_destroy(region);
	}
	wl_surface_attach(window->surface, make_buffer(64, 64, color), 0, 0);
	wl_surface_damage(window->surface, 0, 0, 64, 64);
	wl_surface_commit(window->surface);
	if (wl_display_roundtrip(display) < 0)
		die("roundtrip after mapping");
}

static void
token_done_event(void *data, struct xdg_activation_token_v1 *object, const char *value)
{
	(void)data;
	(void)object;
	snprintf(token, sizeof token, "%s", value);
	token_done = true;
}

static const struct xdg_activation_token_v1_listener token_listener = { token_done_event };

static void
report(struct wl_display *display, const char *step, struct window *a, struct window *b)
{
	if (wl_display_roundtrip(display) < 0)
		die("roundtrip");
	printf("%s A=%d B=%d\n", step, a->activated, b->activated);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	bool mute = argc == 3 && strcmp(argv[1], "mute") == 0;
	bool opaque = argc == 3 && strcmp(argv[1], "opaque") == 0;
	bool activate = argc == 2 && strcmp(argv[1], "activation") == 0;
	if (!mute && !opaque && !activate) {
		fprintf(stderr, "usage: xdg-peer mute TITLE | xdg-peer opaque TITLE | xdg-peer activation\n");
		return 2;
	}

	struct wl_display *display = wl_display_connect(NULL);
	if (display == NULL)
		die("cannot connect");
	struct wl_registry *registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &registry_listener, NULL);
	if (wl_display_roundtrip(display) < 0)
		die("registry roundtrip");
	if (compositor == NULL || shm == NULL || wm_base == NULL || (activate && activation == NULL)) {
		fprintf(stderr, "xdg-peer: a needed global is missing\n");
		return 2;
	}

	if (mute) {
		answer_pings = false;
		struct window window = { 0 };
		map_window(display, &window, argv[2], 0xff40c040, 0);
		printf("mapped\n");
		fflush(stdout);
		while (wl_display_dispatch(display) >= 0)
			;
		printf("disconnected: %s\n", strerror(wl_display_get_error(display)));
		fflush(stdout);
		wl_display_disconnect(display);
		return 0;
	}

	if (opaque) {
		struct window window = { 0 };
		map_window(display, &window, argv[2], 0x80000080, 32);
		printf("mapped\n");
		fflush(stdout);
		while (wl_display_dispatch(display) >= 0)
			;
		wl_display_disconnect(display);
		return 0;
	}

	struct window a = { 0 }, b = { 0 };
	map_window(display, &a, "A", 0xff4040c0, 0);
	map_window(display, &b, "B", 0xffc04040, 0);

	xdg_activation_v1_activate(activation, "no-such-token", a.surface);
	report(display, "bogus", &a, &b);

	struct xdg_activation_token_v1 *request = xdg_activation_v1_get_activation_token(activation);
	xdg_activation_token_v1_add_listener(request, &token_listener, NULL);
	xdg_activation_token_v1_set_surface(request, b.surface);
	xdg_activation_token_v1_commit(request);
	while (!token_done)
		if (wl_display_dispatch(display) < 0)
			die("dispatch while waiting for the token");
	xdg_activation_token_v1_destroy(request);
	printf("token %s\n", token);
	fflush(stdout);

	xdg_activation_v1_activate(activation, token, a.surface);
	report(display, "valid", &a, &b);
	xdg_activation_v1_activate(activation, token, b.surface);
	report(display, "reused", &a, &b);

	/* Stay connected (and mapped) until the test ends it. */
	while (wl_display_dispatch(display) >= 0)
		;
	wl_display_disconnect(display);
	return 0;
}
