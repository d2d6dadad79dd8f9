/*
 * Copyright © 2025 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * test-server: a minimal Wayland server built on the real libwayland-server,
 * used as the peer for interop tests and benchmarks of the managed client.
 *
 *   test-server (--socket NAME_OR_PATH | --wayland-socket-fd N)
 *               [--exit-after-client] [--differential]
 *
 * It advertises one global, wlt_peer version 1 (protocols/test-peer.xml),
 * and nothing else; wl_display.sync and wl_registry are handled by
 * libwayland itself. With --differential (for the managed server's
 * differential tests, which send the same malformed bytes to this server
 * and to theirs) it also advertises libwayland's own wl_shm
 * (wl_display_init_shm) as name 2, and wl_output version 3 as name 3: its
 * one request, release (since 3), destroys it and it sends no events.
 * "ready" is printed on stdout (and flushed) once the server accepts
 * connections. It runs until SIGTERM/SIGINT or, with
 * --exit-after-client, until its first client has disconnected.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <wayland-server.h>

#define PEER_NAME "test-server"
#include "peer-server.h"

#include "test-peer-server-protocol.h"

static struct wl_display *display;
static bool exit_after_client;
static bool differential;
static bool have_first_client;
static struct wl_listener client_created_listener;
static struct wl_listener first_client_destroy_listener;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
		"usage: test-server (--socket NAME_OR_PATH | "
		"--wayland-socket-fd N) [--exit-after-client] "
		"[--differential]\n");
	exit(2);
}

/* --- resources ----------------------------------------------------------- */

/* Every destructor request (wlt_emitter.destroy, wlt_peer.destroy,
 * wl_output.release). */
static void
destroy_resource(struct wl_client *client, struct wl_resource *resource)
{
	(void) client;
	wl_resource_destroy(resource);
}

/* wl_resource_create and wl_resource_set_implementation, or no_memory. */
static void
create_resource(struct wl_client *client, const struct wl_interface *interface,
		uint32_t version, uint32_t id, const void *implementation)
{
	struct wl_resource *resource;

	resource = wl_resource_create(client, interface, (int) version, id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, implementation, NULL, NULL);
}

/* --- wlt_emitter ---------------------------------------------------------- */

static const struct wlt_emitter_interface emitter_impl = {
	.destroy = destroy_resource,
};

/*
 * Send count fd events on the emitter, right now. Each fd is a new memfd
 * containing "emitter <id> seq <seq>" with its file offset at 0.
 * libwayland dups the fd when marshalling, so ours is closed afterwards.
 */
static void
emit_fds(struct wl_resource *emitter, uint32_t count)
{
	uint32_t id = wl_resource_get_id(emitter);
	char text[64];
	uint32_t seq;

	for (seq = 0; seq < count; seq++) {
		int fd, len;

		len = snprintf(text, sizeof text, "emitter %u seq %u", id, seq);
		fd = memfd_create("wlt-emitter", MFD_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "test-server: memfd_create: %s\n",
				strerror(errno));
			wl_resource_post_no_memory(emitter);
			return;
		}
		if (write(fd, text, (size_t) len) != len ||
		    lseek(fd, 0, SEEK_SET) != 0) {
			fprintf(stderr, "test-server: writing memfd: %s\n",
				strerror(errno));
			close(fd);
			wl_resource_post_no_memory(emitter);
			return;
		}
		wlt_emitter_send_fd(emitter, fd, seq);
		close(fd);
	}
}

/* --- wlt_peer ------------------------------------------------------------- */

static void
peer_post_error(struct wl_client *client, struct wl_resource *resource,
		uint32_t code, const char *message)
{
	(void) client;
	wl_resource_post_error(resource, code, "%s", message);
}

static void
peer_create_emitter(struct wl_client *client, struct wl_resource *resource,
		    uint32_t id)
{
	create_resource(client, &wlt_emitter_interface,
			(uint32_t) wl_resource_get_version(resource), id,
			&emitter_impl);
}

static void
peer_emit(struct wl_client *client, struct wl_resource *resource,
	  struct wl_resource *emitter, uint32_t count)
{
	(void) client;
	(void) resource;
	emit_fds(emitter, count);
}

static void
peer_ping(struct wl_client *client, struct wl_resource *resource,
	  uint32_t value)
{
	(void) client;
	wlt_peer_send_pong(resource, value);
}

static void
peer_nop(struct wl_client *client, struct wl_resource *resource)
{
	(void) client;
	(void) resource;
}

static const struct wlt_peer_interface peer_impl = {
	.post_error = peer_post_error,
	.create_emitter = peer_create_emitter,
	.emit = peer_emit,
	.ping = peer_ping,
	.nop = peer_nop,
	.destroy = destroy_resource,
};

static void
bind_peer(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	(void) data;
	create_resource(client, &wlt_peer_interface, version, id, &peer_impl);
}

/* --- wl_output (--differential) ------------------------------------------ */

static const struct wl_output_interface output_impl = {
	.release = destroy_resource,
};

static void
bind_output(struct wl_client *client, void *data, uint32_t version,
	    uint32_t id)
{
	(void) data;
	create_resource(client, &wl_output_interface, version, id,
			&output_impl);
}

/* --- lifetime ------------------------------------------------------------- */

static void
handle_first_client_destroy(struct wl_listener *listener, void *data)
{
	(void) listener;
	(void) data;
	wl_display_terminate(display);
}

static void
watch_first_client(struct wl_client *client)
{
	if (have_first_client)
		return;
	have_first_client = true;
	first_client_destroy_listener.notify = handle_first_client_destroy;
	wl_client_add_destroy_listener(client, &first_client_destroy_listener);
}

static void
handle_client_created(struct wl_listener *listener, void *data)
{
	(void) listener;
	watch_first_client(data);
}

int
main(int argc, char *argv[])
{
	const char *socket_name = NULL;
	char *abs_name = NULL;
	int client_fd = -1;
	struct peer_server server;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			socket_name = argv[++i];
		else if (strcmp(argv[i], "--wayland-socket-fd") == 0 &&
			 i + 1 < argc)
			client_fd = (int) parse_count(argv[++i]);
		else if (strcmp(argv[i], "--exit-after-client") == 0)
			exit_after_client = true;
		else if (strcmp(argv[i], "--differential") == 0)
			differential = true;
		else
			usage();
	}
	if ((socket_name == NULL) == (client_fd < 0))
		usage();

	display = peer_server_create(&server);

	if (!wl_global_create(display, &wlt_peer_interface, 1, NULL,
			      bind_peer))
		die("wl_global_create(wlt_peer) failed");
	if (differential) {
		if (wl_display_init_shm(display) < 0)
			die("wl_display_init_shm failed");
		if (!wl_global_create(display, &wl_output_interface, 3, NULL,
				      bind_output))
			die("wl_global_create(wl_output) failed");
	}

	if (socket_name) {
		/*
		 * libwayland takes absolute paths as they are and anything else
		 * relative to $XDG_RUNTIME_DIR; make "dir/name" and "./name"
		 * relative to the working directory instead.
		 */
		if (socket_name[0] != '/' && strchr(socket_name, '/')) {
			char *cwd = getcwd(NULL, 0);

			if (!cwd || asprintf(&abs_name, "%s/%s", cwd,
					     socket_name) < 0)
				die("cannot make socket path absolute");
			free(cwd);
			socket_name = abs_name;
		}
		if (exit_after_client) {
			client_created_listener.notify = handle_client_created;
			wl_display_add_client_created_listener(
				display, &client_created_listener);
		}
		if (wl_display_add_socket(display, socket_name) < 0)
			die("wl_display_add_socket(\"%s\") failed: %s",
			    socket_name, strerror(errno));
	} else {
		struct wl_client *client = wl_client_create(display, client_fd);

		if (!client)
			die("wl_client_create(fd %d) failed: %s", client_fd,
			    strerror(errno));
		if (exit_after_client)
			watch_first_client(client);
	}

	peer_server_run(&server);
	peer_server_destroy(&server); /* also removes the socket and lock */
	free(abs_name);
	return 0;
}
