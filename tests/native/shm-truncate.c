/*
 * Copyright © 2026 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * shm-truncate: a hostile libwayland client for the wl_shm truncation race.
 *
 *   shm-truncate --socket PATH --size WIDTHxHEIGHT --seconds N
 *
 * For N seconds, over and over: connect, bind wl_compositor and wl_shm, put
 * a WIDTHxHEIGHT ARGB8888 buffer in an UNSEALED memfd (mapped and drawn
 * once), then attach, damage and commit it on a wl_surface, with a
 * roundtrip after each commit, while a second thread truncates the file to
 * 0 and grows it back as fast as it can. A server that reads the buffer
 * while the file is short must answer with a protocol error (libwayland's
 * outcome is wl_shm.error.invalid_fd on the wl_buffer); the client then
 * reconnects and starts again.
 *
 * Meanwhile a bystander thread with a connection of its own does
 * wl_display_roundtrip in a loop; it must never fail.
 *
 * Output, one line on stdout:
 *   sessions S commits C releases R invalid_fd I other_errors O
 *   truncations T bystander_roundtrips B bystander_max_us M
 *   bystander_failed F
 * and a line on stderr for each unexpected error. Exit status 0 when
 * every error was invalid_fd on a wl_buffer and the bystander never
 * failed, 1 otherwise, 2 for usage or setup errors.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <wayland-client.h>

static const char *socket_path;
static int width, height;
static double deadline;

static atomic_bool stop_bystander;
static atomic_bool stop_truncator;
static atomic_long truncations;

static void
die(const char *message)
{
	fprintf(stderr, "shm-truncate: %s (%s)\n", message, strerror(errno));
	exit(2);
}

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- the bystander: roundtrips on its own connection the whole time ----- */

struct bystander {
	long roundtrips;
	long max_us;
	bool failed;
};

static void *
bystander_main(void *data)
{
	struct bystander *stats = data;
	struct wl_display *display = wl_display_connect(socket_path);

	if (!display) {
		fprintf(stderr, "bystander: cannot connect\n");
		stats->failed = true;
		return NULL;
	}

	while (!atomic_load(&stop_bystander)) {
		double start = now();
		if (wl_display_roundtrip(display) < 0) {
			fprintf(stderr, "bystander: roundtrip failed (error %d)\n",
				wl_display_get_error(display));
			stats->failed = true;
			break;
		}

		long us = (long)((now() - start) * 1e6);
		if (us > stats->max_us)
			stats->max_us = us;
		stats->roundtrips++;
	}

	wl_display_disconnect(display);
	return NULL;
}

/* --- the truncator: shrinks the file to nothing and grows it back ------- */

struct truncator {
	int fd;
	off_t size;
};

static void *
truncator_main(void *data)
{
	struct truncator *t = data;

	while (!atomic_load(&stop_truncator)) {
		if (ftruncate(t->fd, 0) < 0 || ftruncate(t->fd, t->size) < 0)
			die("ftruncate");
		atomic_fetch_add(&truncations, 1);
	}

	return NULL;
}

/* --- one session of the hostile client ---------------------------------- */

struct session {
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	long releases;
};

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name,
		const char *interface, uint32_t version)
{
	struct session *s = data;

	(void)version;
	if (strcmp(interface, "wl_compositor") == 0)
		s->compositor = wl_registry_bind(registry, name, &wl_compositor_interface, 1);
	else if (strcmp(interface, "wl_shm") == 0)
		s->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
}

static void
registry_global_remove(void *data, struct wl_registry *registry, uint32_t name)
{
	(void)data;
	(void)registry;
	(void)name;
}

static const struct wl_registry_listener registry_listener = {
	registry_global,
	registry_global_remove,
};

static void
buffer_release(void *data, struct wl_buffer *buffer)
{
	(void)buffer;
	((struct session *)data)->releases++;
}

static const struct wl_buffer_listener buffer_listener = {
	buffer_release,
};

struct totals {
	int sessions;
	long commits;
	long releases;
	int invalid_fd;
	int other_errors;
};

static void
run_session(struct totals *totals)
{
	struct session s = { 0 };
	struct wl_display *display = wl_display_connect(socket_path);
	if (!display)
		die("cannot connect");

	struct wl_registry *registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &registry_listener, &s);
	if (wl_display_roundtrip(display) < 0 || !s.compositor || !s.shm)
		die("no wl_compositor or wl_shm");

	int stride = width * 4;
	off_t size = (off_t)stride * height;
	int fd = memfd_create("shm-truncate", MFD_CLOEXEC); /* no MFD_ALLOW_SEALING: unsealed */
	if (fd < 0 || ftruncate(fd, size) < 0)
		die("memfd");

	uint32_t *pixels = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (pixels == MAP_FAILED)
		die("mmap");
	for (long i = 0; i < (long)width * height; i++)
		pixels[i] = 0xff000000u | (uint32_t)(i * 2654435761u >> 8);

	struct wl_shm_pool *pool = wl_shm_create_pool(s.shm, fd, (int32_t)size);
	struct wl_buffer *buffer = wl_shm_pool_create_buffer(pool, 0, width, height, stride,
							     WL_SHM_FORMAT_ARGB8888);
	wl_buffer_add_listener(buffer, &buffer_listener, &s);
	struct wl_surface *surface = wl_compositor_create_surface(s.compositor);

	/* The pixels are drawn: from here on the client never touches its own
	 * mapping, which would fault in the client when the file is short. */
	struct truncator t = { fd, size };
	pthread_t thread;
	atomic_store(&stop_truncator, false);
	if (pthread_create(&thread, NULL, truncator_main, &t) != 0)
		die("pthread_create");

	bool alive = true;
	while (alive && now() < deadline) {
		wl_surface_attach(surface, buffer, 0, 0);
		wl_surface_damage(surface, 0, 0, width, height);
		wl_surface_commit(surface);
		alive = wl_display_roundtrip(display) >= 0;
		totals->commits++;
	}

	atomic_store(&stop_truncator, true);
	pthread_join(thread, NULL);

	if (!alive) {
		const struct wl_interface *interface = NULL;
		uint32_t id = 0;
		int error = wl_display_get_error(display);
		uint32_t code = error == EPROTO ? wl_display_get_protocol_error(display, &interface, &id) : 0;
		if (error == EPROTO && interface == &wl_buffer_interface && code == WL_SHM_ERROR_INVALID_FD) {
			totals->invalid_fd++;
		} else {
			totals->other_errors++;
			fprintf(stderr, "unexpected error: errno %d, %s#%u code %u\n", error,
				interface ? interface->name : "?", id, code);
		}
	}

	totals->sessions++;
	totals->releases += s.releases;
	wl_surface_destroy(surface);
	wl_buffer_destroy(buffer);
	wl_shm_pool_destroy(pool);
	wl_shm_destroy(s.shm);
	wl_compositor_destroy(s.compositor);
	wl_registry_destroy(registry);
	munmap(pixels, size);
	close(fd);
	wl_display_disconnect(display);
}

int
main(int argc, char **argv)
{
	double seconds = 0;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--socket") == 0)
			socket_path = argv[i + 1];
		else if (strcmp(argv[i], "--size") == 0)
			sscanf(argv[i + 1], "%dx%d", &width, &height);
		else if (strcmp(argv[i], "--seconds") == 0)
			seconds = atof(argv[i + 1]);
	}

	if (!socket_path || width <= 0 || height <= 0 || seconds <= 0) {
		fprintf(stderr, "usage: shm-truncate --socket PATH --size WIDTHxHEIGHT --seconds N\n");
		return 2;
	}

	struct bystander bystander = { 0 };
	pthread_t bystander_thread;
	if (pthread_create(&bystander_thread, NULL, bystander_main, &bystander) != 0)
		die("pthread_create");

	struct totals totals = { 0 };
	deadline = now() + seconds;
	while (now() < deadline)
		run_session(&totals);

	atomic_store(&stop_bystander, true);
	pthread_join(bystander_thread, NULL);

	printf("sessions %d commits %ld releases %ld invalid_fd %d other_errors %d truncations %ld "
	       "bystander_roundtrips %ld bystander_max_us %ld bystander_failed %d\n",
	       totals.sessions, totals.commits, totals.releases, totals.invalid_fd,
	       totals.other_errors, atomic_load(&truncations), bystander.roundtrips,
	       bystander.max_us, bystander.failed);
	return totals.other_errors == 0 && !bystander.failed ? 0 : 1;
}
