/*
 * Copyright © 2026 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * descriptor-hog: a hostile libwayland client that makes a server hold as
 * many descriptors and memory mappings as it can, over many connections,
 * each within any per-connection limit.
 *
 *   descriptor-hog --socket PATH --connections N [--pools P] [--pings K]
 *
 * Opens N connections. On each it binds wl_shm (when P > 0) and creates P
 * pools from one 4096-byte memfd (the server keeps a descriptor and a
 * mapping for each), then does a roundtrip. A connection the server drops
 * is counted and not reopened. Then it prints one line on stdout:
 *   opened O refused R no_memory M
 * (O: connections that got through their roundtrip; R: connections that
 * failed without a protocol error, connect included; M: those that got
 * wl_display.error no_memory), and waits until its stdin is closed. Then it
 * does one more roundtrip on each connection that got through, and prints
 *   alive A
 * before exiting 0. Exit status 2 for a usage error, 1 for a bad count or
 * a failed setup.
 *
 * With --pings K it binds wlt_peer (tests/native/protocols/test-peer.xml)
 * on each connection instead, sends K pings on each without waiting for the
 * pongs, prints
 *   pinged N
 * (N: connections that bound wlt_peer) and waits until its stdin is closed.
 */

#define _GNU_SOURCE

#define PEER_NAME "descriptor-hog"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wayland-client.h>

#include "peer-common.h"
#include "test-peer-client-protocol.h"

struct hog_connection {
	struct wl_display *display;
	struct wl_shm *shm;
	struct wlt_peer *peer;
};

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name,
		const char *interface, uint32_t version)
{
	struct hog_connection *connection = data;

	(void) version;
	if (strcmp(interface, wl_shm_interface.name) == 0 &&
	    connection->shm == NULL)
		connection->shm = wl_registry_bind(registry, name,
						   &wl_shm_interface, 1);
	else if (strcmp(interface, wlt_peer_interface.name) == 0 &&
		 connection->peer == NULL)
		connection->peer = wl_registry_bind(registry, name,
						    &wlt_peer_interface, 1);
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

/* Reads and dispatches what the server already sent, without writing: a
 * server that disconnected the client after wl_display.error must be seen
 * to have sent that error, not just to have closed the socket (which a
 * write, as in a roundtrip, would report first). */
static void
read_available(struct wl_display *display)
{
	struct pollfd pfd = { .fd = wl_display_get_fd(display), .events = POLLIN };

	while (wl_display_get_error(display) == 0 &&
	       wl_display_prepare_read(display) != 0) {
		if (wl_display_dispatch_pending(display) < 0)
			return;
	}
	if (wl_display_get_error(display) != 0)
		return;
	if (poll(&pfd, 1, 0) > 0)
		wl_display_read_events(display);
	else
		wl_display_cancel_read(display);
	wl_display_dispatch_pending(display);
}

int
main(int argc, char *argv[])
{
	const char *socket_path = NULL;
	int count = -1, pools = 0, pings = 0, opened = 0, refused = 0;
	int no_memory = 0, pinged = 0;
	int alive = 0, memfd;
	struct hog_connection *connections;
	char line[16];

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--socket") == 0)
			socket_path = argv[i + 1];
		else if (strcmp(argv[i], "--connections") == 0)
			count = (int) parse_count(argv[i + 1]);
		else if (strcmp(argv[i], "--pools") == 0)
			pools = (int) parse_count(argv[i + 1]);
		else if (strcmp(argv[i], "--pings") == 0)
			pings = (int) parse_count(argv[i + 1]);
	}
	if (socket_path == NULL || count < 0) {
		fprintf(stderr, "usage: descriptor-hog --socket PATH "
				"--connections N [--pools P] [--pings K]\n");
		return 2;
	}

	memfd = memfd_create("descriptor-hog", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, 4096) < 0)
		die("memfd: %s", strerror(errno));

	connections = calloc(count, sizeof *connections);
	if (connections == NULL)
		die("out of memory");

	for (int i = 0; i < count; i++) {
		struct hog_connection *connection = &connections[i];
		struct wl_registry *registry;

		connection->display = wl_display_connect(socket_path);
		if (connection->display == NULL) {
			refused++;
			continue;
		}

		registry = wl_display_get_registry(connection->display);
		wl_registry_add_listener(registry, &registry_listener,
					 connection);
		if (wl_display_roundtrip(connection->display) >= 0 &&
		    pools > 0 && connection->shm != NULL) {
			/* Kept until exit: the server holds each one. */
			for (int p = 0; p < pools; p++)
				wl_shm_create_pool(connection->shm, memfd, 4096);
		}
	}

	if (pings > 0) {
		/* Every connection's pings go out before the first is answered. */
		for (int i = 0; i < count; i++) {
			if (connections[i].display == NULL ||
			    connections[i].peer == NULL)
				continue;
			for (int p = 0; p < pings; p++)
				wlt_peer_ping(connections[i].peer, (uint32_t) p);
			wl_display_flush(connections[i].display);
			pinged++;
		}
		printf("pinged %d\n", pinged);
		fflush(stdout);
		while (fgets(line, sizeof line, stdin) != NULL)
			;
		for (int i = 0; i < count; i++)
			if (connections[i].display != NULL)
				wl_display_disconnect(connections[i].display);
		free(connections);
		close(memfd);
		return 0;
	}

	for (int i = 0; i < count; i++) {
		struct hog_connection *connection = &connections[i];

		if (connection->display == NULL)
			continue;
		read_available(connection->display);
		if (wl_display_get_error(connection->display) == 0 &&
		    wl_display_roundtrip(connection->display) >= 0) {
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

	while (fgets(line, sizeof line, stdin) != NULL)
		;

	for (int i = 0; i < count; i++) {
		if (connections[i].display == NULL)
			continue;
		if (wl_display_roundtrip(connections[i].display) >= 0)
			alive++;
		wl_display_disconnect(connections[i].display);
	}
	printf("alive %d\n", alive);
	fflush(stdout);
	free(connections);
	close(memfd);
	return 0;
}
