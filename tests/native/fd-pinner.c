/*
 * Copyright © 2026 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * fd-pinner: a hostile raw client (no libwayland) that makes a proxy hold
 * descriptors: it sends more descriptors per sendmsg than its bytes can
 * carry on at 28 per byte, as libwayland receives them.
 *
 *   fd-pinner --socket PATH --connections N --batches B [--fds F]
 *
 * Opens N connections to PATH; on each it sends B times one byte with F
 * (default 253, the kernel's most) copies of one memfd, without blocking
 * (a full or closed socket ends that connection's batches). Then it prints
 *   sent S
 * (S: batches sent on all connections) and waits until its stdin is closed.
 * Then it looks at each connection and prints
 *   closed C
 * (C: connections the other end has closed) before exiting 0. Exit status 2
 * for a usage error, 1 for a failed setup.
 */

#define _GNU_SOURCE

#define PEER_NAME "fd-pinner"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "peer-common.h"

static int
connect_to(const char *path)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(address.sun_path))
		die("socket path too long");
	strcpy(address.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *) &address, sizeof(address)) < 0)
		die("connect %s: %s", path, strerror(errno));
	return fd;
}

static int
send_batch(int socket_fd, int memfd, int count)
{
	char control[CMSG_SPACE(253 * sizeof(int))];
	char byte = 1;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr message = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = CMSG_SPACE(count * sizeof(int)),
	};
	struct cmsghdr *header = CMSG_FIRSTHDR(&message);
	int *fds;

	memset(control, 0, sizeof(control));
	header->cmsg_level = SOL_SOCKET;
	header->cmsg_type = SCM_RIGHTS;
	header->cmsg_len = CMSG_LEN(count * sizeof(int));
	fds = (int *) CMSG_DATA(header);
	for (int i = 0; i < count; i++)
		fds[i] = memfd;
	return sendmsg(socket_fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT) == 1;
}

static int
is_closed(int socket_fd)
{
	char buffer[4096];
	ssize_t got;

	for (;;) {
		got = recv(socket_fd, buffer, sizeof(buffer), MSG_DONTWAIT);
		if (got > 0)
			continue;
		if (got == 0)
			return 1;
		return errno != EAGAIN && errno != EWOULDBLOCK;
	}
}

int
main(int argc, char *argv[])
{
	const char *socket_path = NULL;
	int count = -1, batches = -1, per_batch = 253;
	int *sockets, memfd, sent = 0, closed = 0;
	char rest[64];

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--socket") == 0)
			socket_path = argv[i + 1];
		else if (strcmp(argv[i], "--connections") == 0)
			count = (int) parse_count(argv[i + 1]);
		else if (strcmp(argv[i], "--batches") == 0)
			batches = (int) parse_count(argv[i + 1]);
		else if (strcmp(argv[i], "--fds") == 0)
			per_batch = (int) parse_count(argv[i + 1]);
	}
	if (socket_path == NULL || count < 1 || batches < 1 || per_batch < 1 || per_batch > 253 || argc % 2 != 1) {
		fprintf(stderr, "usage: fd-pinner --socket PATH --connections N --batches B [--fds F]\n");
		return 2;
	}

	memfd = memfd_create("fd-pinner", MFD_CLOEXEC);
	if (memfd < 0)
		die("memfd_create: %s", strerror(errno));
	sockets = calloc(count, sizeof(int));
	if (sockets == NULL)
		die("out of memory");
	for (int i = 0; i < count; i++) {
		sockets[i] = connect_to(socket_path);
		for (int b = 0; b < batches; b++) {
			if (!send_batch(sockets[i], memfd, per_batch))
				break;
			sent++;
		}
	}

	printf("sent %d\n", sent);
	fflush(stdout);
	while (fgets(rest, sizeof(rest), stdin) != NULL) {
	}

	for (int i = 0; i < count; i++) {
		closed += is_closed(sockets[i]);
		close(sockets[i]);
	}
	printf("closed %d\n", closed);
	return 0;
}
