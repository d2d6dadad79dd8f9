/*
 * Copyright © 2025 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * client-debug-sequence: one fixed sequence of core requests made with the
 * real libwayland-client, run with WAYLAND_DEBUG=client so that its log can
 * be compared line by line with the managed client doing the same sequence
 * (tests/Wayland.Client.Tests/DebugLogComparisonTests.cs, which holds the C#
 * twin of this file: change both together).
 *
 *   client-debug-sequence --socket PATH
 *
 * The server must offer wl_compositor (v4), wl_shm (v1) and wl_seat (v5).
 * The sequence covers untyped new_ids (wl_registry.bind), an fd in a request
 * (wl_shm.create_pool) and in an event (wl_keyboard.keymap), an array
 * (wl_keyboard.enter), fixed (wl_pointer.enter), strings, objects, ints,
 * destructors and delete_id. Exit status 0 on success, else 1 with a message.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <wayland-client.h>

#define PEER_NAME "client-debug-sequence"
#include "peer-common.h"

static struct wl_display *display;
static uint32_t compositor_name, shm_name, seat_name;

static void
roundtrip(void)
{
	if (wl_display_roundtrip(display) < 0)
		die("wl_display_roundtrip: %s", strerror(errno));
}

/* Every object that receives events has a listener: libwayland 1.21 logs
 * an event only when it is dispatched to a listener. Most listeners do
 * nothing (the Makefile builds this file with -Wno-unused-parameter). */

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name,
		const char *interface, uint32_t version)
{
	if (strcmp(interface, "wl_compositor") == 0)
		compositor_name = name;
	else if (strcmp(interface, "wl_shm") == 0)
		shm_name = name;
	else if (strcmp(interface, "wl_seat") == 0)
		seat_name = name;
}

static void
registry_global_remove(void *data, struct wl_registry *registry,
		       uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	.global = registry_global,
	.global_remove = registry_global_remove,
};

static void
shm_format(void *data, struct wl_shm *shm, uint32_t format)
{
}

static const struct wl_shm_listener shm_listener = {
	.format = shm_format,
};

static void
seat_capabilities(void *data, struct wl_seat *seat, uint32_t capabilities)
{
}

static void
seat_name_event(void *data, struct wl_seat *seat, const char *name)
{
}

static const struct wl_seat_listener seat_listener = {
	.capabilities = seat_capabilities,
	.name = seat_name_event,
};

static void
keyboard_keymap(void *data, struct wl_keyboard *keyboard, uint32_t format,
		int32_t fd, uint32_t size)
{
	close(fd);
}

static void
keyboard_enter(void *data, struct wl_keyboard *keyboard, uint32_t serial,
	       struct wl_surface *surface, struct wl_array *keys)
{
}

static void
keyboard_leave(void *data, struct wl_keyboard *keyboard, uint32_t serial,
	       struct wl_surface *surface)
{
}

static void
keyboard_key(void *data, struct wl_keyboard *keyboard, uint32_t serial,
	     uint32_t time, uint32_t key, uint32_t state)
{
}

static void
keyboard_modifiers(void *data, struct wl_keyboard *keyboard, uint32_t serial,
		   uint32_t depressed, uint32_t latched, uint32_t locked,
		   uint32_t group)
{
}

static void
keyboard_repeat_info(void *data, struct wl_keyboard *keyboard, int32_t rate,
		     int32_t delay)
{
}

static const struct wl_keyboard_listener keyboard_listener = {
	.keymap = keyboard_keymap,
	.enter = keyboard_enter,
	.leave = keyboard_leave,
	.key = keyboard_key,
	.modifiers = keyboard_modifiers,
	.repeat_info = keyboard_repeat_info,
};

static void
pointer_enter(void *data, struct wl_pointer *pointer, uint32_t serial,
	      struct wl_surface *surface, wl_fixed_t x, wl_fixed_t y)
{
}

static void
pointer_leave(void *data, struct wl_pointer *pointer, uint32_t serial,
	      struct wl_surface *surface)
{
}

static void
pointer_motion(void *data, struct wl_pointer *pointer, uint32_t time,
	       wl_fixed_t x, wl_fixed_t y)
{
}

static void
pointer_button(void *data, struct wl_pointer *pointer, uint32_t serial,
	       uint32_t time, uint32_t button, uint32_t state)
{
}

static void
pointer_axis(void *data, struct wl_pointer *pointer, uint32_t time,
	     uint32_t axis, wl_fixed_t value)
{
}

static void
pointer_frame(void *data, struct wl_pointer *pointer)
{
}

static void
pointer_axis_source(void *data, struct wl_pointer *pointer, uint32_t source)
{
}

static void
pointer_axis_stop(void *data, struct wl_pointer *pointer, uint32_t time,
		  uint32_t axis)
{
}

static void
pointer_axis_discrete(void *data, struct wl_pointer *pointer, uint32_t axis,
		      int32_t discrete)
{
}

static const struct wl_pointer_listener pointer_listener = {
	.enter = pointer_enter,
	.leave = pointer_leave,
	.motion = pointer_motion,
	.button = pointer_button,
	.axis = pointer_axis,
	.frame = pointer_frame,
	.axis_source = pointer_axis_source,
	.axis_stop = pointer_axis_stop,
	.axis_discrete = pointer_axis_discrete,
};

int
main(int argc, char *argv[])
{
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct wl_seat *seat;
	struct wl_shm_pool *pool;
	struct wl_buffer *buffer;
	struct wl_surface *surface;
	struct wl_keyboard *keyboard;
	struct wl_pointer *pointer;
	int fd;

	if (argc != 3 || strcmp(argv[1], "--socket") != 0) {
		fprintf(stderr, "usage: client-debug-sequence --socket PATH\n");
		return 2;
	}

	display = wl_display_connect(argv[2]);
	if (!display)
		die("cannot connect to \"%s\": %s", argv[2], strerror(errno));

	registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &registry_listener, NULL);
	roundtrip();
	if (!compositor_name || !shm_name || !seat_name)
		die("the server lacks wl_compositor, wl_shm or wl_seat");

	compositor = wl_registry_bind(registry, compositor_name,
				      &wl_compositor_interface, 4);
	shm = wl_registry_bind(registry, shm_name, &wl_shm_interface, 1);
	wl_shm_add_listener(shm, &shm_listener, NULL);
	seat = wl_registry_bind(registry, seat_name, &wl_seat_interface, 5);
	wl_seat_add_listener(seat, &seat_listener, NULL);
	roundtrip();

	fd = memfd_create("client-debug-sequence", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 4096) < 0)
		die("memfd: %s", strerror(errno));
	pool = wl_shm_create_pool(shm, fd, 4096);
	close(fd);
	buffer = wl_shm_pool_create_buffer(pool, 0, 16, 16, 64,
					   WL_SHM_FORMAT_ARGB8888);
	surface = wl_compositor_create_surface(compositor);
	wl_surface_attach(surface, buffer, 0, 0);
	wl_surface_damage_buffer(surface, 0, 0, 16, 16);
	wl_surface_set_buffer_scale(surface, 1);
	wl_surface_commit(surface);
	keyboard = wl_seat_get_keyboard(seat);
	wl_keyboard_add_listener(keyboard, &keyboard_listener, NULL);
	pointer = wl_seat_get_pointer(seat);
	wl_pointer_add_listener(pointer, &pointer_listener, NULL);
	roundtrip();

	wl_surface_attach(surface, NULL, 0, 0);
	wl_buffer_destroy(buffer);
	wl_shm_pool_destroy(pool);
	wl_keyboard_release(keyboard);
	wl_pointer_release(pointer);
	wl_surface_destroy(surface);
	roundtrip();

	wl_seat_release(seat);
	roundtrip();

	wl_shm_destroy(shm);
	wl_compositor_destroy(compositor);
	wl_registry_destroy(registry);
	wl_display_disconnect(display);
	return 0;
}
