/*
 * The frame of every native test server: a wl_display whose loop ends on
 * SIGTERM or SIGINT, and its teardown. Include peer-common.h first.
 */
#ifndef PEER_SERVER_H
#define PEER_SERVER_H

#include <signal.h>

#include <wayland-server-core.h>

#include "peer-common.h"

struct peer_server {
	struct wl_display *display;
	struct wl_event_source *sigterm, *sigint;
};

static int
peer_server_terminate(int signal_number, void *data)
{
	(void) signal_number;
	wl_display_terminate(data);
	return 0;
}

/* Creates the display and its signal sources; dies when that fails. */
static struct wl_display *
peer_server_create(struct peer_server *server)
{
	struct wl_event_loop *loop;

	server->display = wl_display_create();
	if (!server->display)
		die("wl_display_create failed");
	loop = wl_display_get_event_loop(server->display);
	server->sigterm = wl_event_loop_add_signal(loop, SIGTERM,
						   peer_server_terminate,
						   server->display);
	server->sigint = wl_event_loop_add_signal(loop, SIGINT,
						  peer_server_terminate,
						  server->display);
	if (!server->sigterm || !server->sigint)
		die("wl_event_loop_add_signal failed");
	return server->display;
}

/* Says "ready" on stdout (the tests wait for it), then runs the loop. */
static void
peer_server_run(struct peer_server *server)
{
	printf("ready\n");
	if (fflush(stdout) != 0)
		die("cannot write to stdout");
	wl_display_run(server->display);
}

/* After the loop: the signal sources, every client, the display. */
static void
peer_server_destroy(struct peer_server *server)
{
	wl_event_source_remove(server->sigterm);
	wl_event_source_remove(server->sigint);
	wl_display_destroy_clients(server->display);
	wl_display_destroy(server->display);
}

#endif
