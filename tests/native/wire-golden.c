/*
 * Copyright © 2025 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * wire-golden: produce golden Wayland wire bytes using the real
 * libwayland-client marshalling code.
 *
 * The program connects a wl_display to one end of a socketpair, creates a
 * wlt_types proxy (object id 2, see protocols/wire-test.xml) and then, for a
 * fixed list of cases, marshals exactly one request, flushes it and reads the
 * resulting bytes (and any SCM_RIGHTS file descriptors) from the other end.
 * For every case it prints one line:
 *
 *   <case-name> <size-in-bytes> <hex bytes> fds=<n>[ newid=<id>]
 *
 * Bytes are printed in the order they appear on the socket (i.e. host byte
 * order for the 32-bit words, as the Wayland wire format is native-endian).
 * Any failure is reported on stderr and results in a non-zero exit status.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <wayland-client.h>

#define PEER_NAME "wire-golden"
#include "peer-common.h"

#include "wire-test-client-protocol.h"

/* More than libwayland will ever attach to a single message. */
#define MAX_FDS 32
/* Larger than the biggest message produced here (libwayland caps at 4096). */
#define MAX_MSG 8192

static struct wl_display *display;
static int peer_fd = -1;

/*
 * recvmsg() into buf[0..len), collecting SCM_RIGHTS fds into fds[*nfds..].
 * Returns the number of bytes read (> 0).
 */
static size_t
recv_some(uint8_t *buf, size_t len, int *fds, int *nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg;
	struct cmsghdr *cmsg;
	ssize_t n;

	memset(&msg, 0, sizeof msg);
	memset(&control, 0, sizeof control);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof control.buf;

	do {
		n = recvmsg(peer_fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);

	if (n < 0)
		die("recvmsg: %s", strerror(errno));
	if (n == 0)
		die("recvmsg: unexpected end of stream");
	if (msg.msg_flags & MSG_CTRUNC)
		die("recvmsg: control data truncated");

	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		size_t payload, count, i;

		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			die("unexpected control message level=%d type=%d",
			    cmsg->cmsg_level, cmsg->cmsg_type);

		payload = cmsg->cmsg_len - CMSG_LEN(0);
		count = payload / sizeof(int);
		for (i = 0; i < count; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			       sizeof fd);
			if (*nfds >= MAX_FDS)
				die("too many fds received");
			fds[(*nfds)++] = fd;
		}
	}

	return (size_t) n;
}

static void
recv_exact(uint8_t *buf, size_t len, int *fds, int *nfds)
{
	size_t got = 0;

	while (got < len)
		got += recv_some(buf + got, len - got, fds, nfds);
}

static void
flush_display(void)
{
	int ret;

	do {
		ret = wl_display_flush(display);
	} while (ret < 0 && errno == EINTR);

	if (ret < 0)
		die("wl_display_flush: %s", strerror(errno));
	if (wl_display_get_error(display))
		die("display error %d", wl_display_get_error(display));
}

/*
 * Flush the request just marshalled, read exactly one message from the peer
 * end, check its header and print the result line.
 */
static void
capture(const char *name, uint32_t expect_id, uint32_t expect_opcode,
	int expect_fds, uint32_t newid)
{
	uint8_t buf[MAX_MSG];
	int fds[MAX_FDS];
	int nfds = 0;
	uint32_t id, word, size, opcode;
	ssize_t extra;
	size_t i;
	uint8_t probe;

	flush_display();

	recv_exact(buf, 8, fds, &nfds);
	memcpy(&id, buf, 4);
	memcpy(&word, buf + 4, 4);
	size = word >> 16;
	opcode = word & 0xffff;

	if (size < 8 || size % 4 != 0 || size > sizeof buf)
		die("%s: bad message size %" PRIu32, name, size);
	if (size > 8)
		recv_exact(buf + 8, size - 8, fds, &nfds);

	/* Exactly one message must have been produced. */
	extra = recv(peer_fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT);
	if (extra > 0)
		die("%s: more data than one message on the socket", name);
	if (extra < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
		die("%s: recv probe: %s", name, strerror(errno));

	if (id != expect_id)
		die("%s: object id %" PRIu32 ", expected %" PRIu32,
		    name, id, expect_id);
	if (opcode != expect_opcode)
		die("%s: opcode %" PRIu32 ", expected %" PRIu32,
		    name, opcode, expect_opcode);
	if (nfds != expect_fds)
		die("%s: received %d fds, expected %d",
		    name, nfds, expect_fds);

	printf("%s %" PRIu32 " ", name, size);
	for (i = 0; i < size; i++)
		printf("%02x", buf[i]);
	printf(" fds=%d", nfds);
	if (newid)
		printf(" newid=%" PRIu32, newid);
	printf("\n");

	for (i = 0; i < (size_t) nfds; i++)
		close(fds[i]);
}

/* Fill a wl_array with the bytes 0x01, 0x02, ..., n. */
static void
make_array(struct wl_array *array, size_t n)
{
	uint8_t *p;
	size_t i;

	wl_array_init(array);
	if (n == 0)
		return;
	p = wl_array_add(array, n);
	if (!p)
		die("wl_array_add failed");
	for (i = 0; i < n; i++)
		p[i] = (uint8_t) (i + 1);
}

static void
case_str(const char *name, const char *s, struct wlt_types *t, uint32_t id)
{
	wlt_types_str(t, s);
	capture(name, id, WLT_TYPES_STR, 0, 0);
}

static void
case_arr(const char *name, size_t n, struct wlt_types *t, uint32_t id)
{
	struct wl_array a;

	make_array(&a, n);
	wlt_types_arr(t, &a);
	capture(name, id, WLT_TYPES_ARR, 0, 0);
	wl_array_release(&a);
}

int
main(void)
{
	static const char *const str_cases[] = {
		"a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg",
		"abcdefgh",
	};
	static const size_t arr_sizes[] = { 0, 1, 3, 4, 5, 8 };
	static const char *const arr_names[] = {
		"arr_empty", "arr_1", "arr_3", "arr_4", "arr_5", "arr_8",
	};
	int sv[2];
	int devnull;
	struct wlt_types *t, *typed, *untyped;
	uint32_t tid;
	struct wl_array a;
	char name[32];
	size_t i;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair: %s", strerror(errno));
	peer_fd = sv[1];

	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		die("open /dev/null: %s", strerror(errno));

	display = wl_display_connect_to_fd(sv[0]);
	if (!display)
		die("wl_display_connect_to_fd failed");

	t = (struct wlt_types *)
		wl_proxy_create((struct wl_proxy *) display,
				&wlt_types_interface);
	if (!t)
		die("wl_proxy_create failed");
	tid = wl_proxy_get_id((struct wl_proxy *) t);
	if (tid != 2)
		die("wlt_types proxy got id %" PRIu32 ", expected 2", tid);

	/* ints_basic */
	wlt_types_ints(t, 0, -1, INT32_MIN, INT32_MAX);
	capture("ints_basic", tid, WLT_TYPES_INTS, 0, 0);

	/* uints_basic */
	wlt_types_uints(t, 0, UINT32_C(0xffffffff));
	capture("uints_basic", tid, WLT_TYPES_UINTS, 0, 0);

	/* fixed_basic */
	wlt_types_fixeds(t, wl_fixed_from_double(1.5),
			 wl_fixed_from_double(-1.5),
			 wl_fixed_from_int(-300),
			 (wl_fixed_t) 1 /* smallest step, 1/256 */);
	capture("fixed_basic", tid, WLT_TYPES_FIXEDS, 0, 0);

	/* str_empty, str_len1 .. str_len8 */
	case_str("str_empty", "", t, tid);
	for (i = 0; i < sizeof str_cases / sizeof str_cases[0]; i++) {
		snprintf(name, sizeof name, "str_len%zu", i + 1);
		case_str(name, str_cases[i], t, tid);
	}

	/* str_utf8: "héllo wörld ✓" spelled out as UTF-8 bytes */
	case_str("str_utf8",
		 "h" "\xc3\xa9" "llo w" "\xc3\xb6" "rld " "\xe2\x9c\x93",
		 t, tid);

	/* str_null */
	wlt_types_str_nullable(t, NULL);
	capture("str_null", tid, WLT_TYPES_STR_NULLABLE, 0, 0);

	/* obj_self */
	wlt_types_obj(t, t);
	capture("obj_self", tid, WLT_TYPES_OBJ, 0, 0);

	/* obj_null */
	wlt_types_obj_nullable(t, NULL);
	capture("obj_null", tid, WLT_TYPES_OBJ_NULLABLE, 0, 0);

	/* new_typed */
	typed = wlt_types_new_typed(t);
	if (!typed)
		die("new_typed: no proxy returned");
	capture("new_typed", tid, WLT_TYPES_NEW_TYPED, 0,
		wl_proxy_get_id((struct wl_proxy *) typed));

	/* new_untyped: interface name "wlt_types", version 1 (the highest wlt_types has) */
	untyped = wlt_types_new_untyped(t, &wlt_types_interface, 1);
	if (!untyped)
		die("new_untyped: no proxy returned");
	capture("new_untyped", tid, WLT_TYPES_NEW_UNTYPED, 0,
		wl_proxy_get_id((struct wl_proxy *) untyped));

	/* arr_empty, arr_1, arr_3, arr_4, arr_5, arr_8 */
	for (i = 0; i < sizeof arr_sizes / sizeof arr_sizes[0]; i++)
		case_arr(arr_names[i], arr_sizes[i], t, tid);

	/* fd_one */
	wlt_types_fd(t, devnull);
	capture("fd_one", tid, WLT_TYPES_FD, 1, 0);

	/* mixed */
	wl_array_init(&a);
	{
		uint8_t *p = wl_array_add(&a, 3);

		if (!p)
			die("wl_array_add failed");
		p[0] = 0xaa;
		p[1] = 0xbb;
		p[2] = 0xcc;
	}
	wlt_types_mixed(t, -7, "mix", devnull, &a, 42, devnull);
	capture("mixed", tid, WLT_TYPES_MIXED, 2, 0);
	wl_array_release(&a);

	/* Extra cases beyond the original list (appended, never reorder). */

	/* nop: header only */
	wlt_types_nop(t);
	capture("nop", tid, WLT_TYPES_NOP, 0, 0);

	/* destroy: destructor request sent on the new_typed object */
	{
		uint32_t typed_id = wl_proxy_get_id((struct wl_proxy *) typed);

		wlt_types_destroy(typed); /* also destroys the proxy */
		capture("destroy", typed_id, WLT_TYPES_DESTROY, 0, 0);
	}

	wl_proxy_destroy((struct wl_proxy *) untyped);
	wl_proxy_destroy((struct wl_proxy *) t);
	wl_display_disconnect(display); /* closes sv[0] */
	close(sv[1]);
	close(devnull);

	if (fflush(stdout) != 0 || ferror(stdout))
		die("error writing to stdout");

	return 0;
}
