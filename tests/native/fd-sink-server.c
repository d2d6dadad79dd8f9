/*
 * Copyright © 2026 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * fd-sink-server: a libwayland-server program that receives descriptors from
 * a client and says, in order, what each one holds; the peer for tests of
 * how the managed client batches descriptors with the bytes of a flush.
 *
 *   fd-sink-server --socket PATH
 *
 * It advertises wlt_types version 1 (protocols/wire-test.xml). For every
 * wlt_types.fd request it prints one line "fd TEXT", and for every
 * wlt_types.mixed request one line "mixed I TEXT_F U TEXT_G", where TEXT is
 * what the received descriptor holds from offset 0 (at most 63 bytes, up to
 * the first newline). A descriptor that is missing or misplaced makes
 * libwayland end the client with a protocol error, which the client sees.
 * Other requests are accepted and ignored. "ready" is printed (and flushed)
 * once the server accepts connections; it runs until SIGTERM/SIGINT.
 */

#define _GNU_SOURCE

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wayland-server.h>

#define PEER_NAME "fd-sink-server"
#include "peer-server.h"

#include "wire-test-server-protocol.h"

static struct wl_display *display;

static void
contents(int fd, char *text, size_t size)
{
	ssize_t n = pread(fd, text, size - 1, 0);
	char *newline;

	if (n < 0)
		n = 0;
	text[n] = '\0';
	newline = strchr(text, '\n');
	if (newline)
		*newline = '\0';
	close(fd);
}

static void
handle_fd(struct wl_client *client, struct wl_resource *resource, int32_t f)
{
	char text[64];

	(void) client;
	(void) resource;
	contents(f, text, sizeof text);
	printf("fd %s\n", text);
	fflush(stdout);
}

static void
handle_mixed(struct wl_client *client, struct wl_resource *resource, int32_t i,
	     const char *s, int32_t f, struct wl_array *a, uint32_t u, int32_t g)
{
	char text_f[64], text_g[64];

	(void) client;
	(void) resource;
	(void) s;
	(void) a;
	contents(f, text_f, sizeof text_f);
	contents(g, text_g, sizeof text_g);
	printf("mixed %d %s %u %s\n", i, text_f, u, text_g);
	fflush(stdout);
}

static void
ignore_ints(struct wl_client *c, struct wl_resource *r, int32_t a, int32_t b,
	    int32_t d, int32_t e)
{
	(void) c; (void) r; (void) a; (void) b; (void) d; (void) e;
}

static void
ignore_uints(struct wl_client *c, struct wl_resource *r, uint32_t a,
	     uint32_t b)
{
	(void) c; (void) r; (void) a; (void) b;
}

static void
ignore_fixeds(struct wl_client *c, struct wl_resource *r, wl_fixed_t a,
	      wl_fixed_t b, wl_fixed_t d, wl_fixed_t e)
{
	(void) c; (void) r; (void) a; (void) b; (void) d; (void) e;
}

static void
ignore_string(struct wl_client *c, struct wl_resource *r, const char *s)
{
	(void) c; (void) r; (void) s;
}

static void
ignore_object(struct wl_client *c, struct wl_resource *r, struct wl_resource *o)
{
	(void) c; (void) r; (void) o;
}

static void
ignore_new(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	(void) c; (void) r; (void) id;
}

static void
ignore_untyped(struct wl_client *c, struct wl_resource *r,
	       const char *interface, uint32_t version, uint32_t id)
{
	(void) c; (void) r; (void) interface; (void) version; (void) id;
}

static void
ignore_array(struct wl_client *c, struct wl_resource *r, struct wl_array *a)
{
	(void) c; (void) r; (void) a;
}

static void
ignore_nothing(struct wl_client *c, struct wl_resource *r)
{
	(void) c; (void) r;
}

static void
handle_destroy(struct wl_client *c, struct wl_resource *r)
{
	(void) c;
	wl_resource_destroy(r);
}

static const struct wlt_types_interface types_impl = {
	.ints = ignore_ints,
	.uints = ignore_uints,
	.fixeds = ignore_fixeds,
	.str = ignore_string,
	.str_nullable = ignore_string,
	.obj = ignore_object,
	.obj_nullable = ignore_object,
	.new_typed = ignore_new,
	.new_untyped = ignore_untyped,
	.arr = ignore_array,
	.fd = handle_fd,
	.mixed = handle_mixed,
	.nop = ignore_nothing,
	.destroy = handle_destroy,
};

static void
bind_types(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	struct wl_resource *resource;

	(void) data;
	resource = wl_resource_create(client, &wlt_types_interface, version, id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, &types_impl, NULL, NULL);
}

int
main(int argc, char *argv[])
{
	struct peer_server server;

	if (argc != 3 || strcmp(argv[1], "--socket") != 0 || argv[2][0] != '/') {
		fprintf(stderr, "usage: fd-sink-server --socket /ABSOLUTE/PATH\n");
		return 2;
	}

	display = peer_server_create(&server);
	if (!wl_global_create(display, &wlt_types_interface, 1, NULL, bind_types))
		die("wl_global_create(wlt_types) failed");
	if (wl_display_add_socket(display, argv[2]) < 0)
		die("wl_display_add_socket(\"%s\") failed", argv[2]);

	peer_server_run(&server);
	peer_server_destroy(&server);
	return 0;
}
