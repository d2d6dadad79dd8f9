/*
 * What every native peer (tests/native, bench/native) repeats: dying with a
 * message that names the program, and reading a count from the command line.
 * Define PEER_NAME (the program's name, a string) before including this.
 */
#ifndef PEER_COMMON_H
#define PEER_COMMON_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef PEER_NAME
#error "define PEER_NAME before including peer-common.h"
#endif

/* Prints "PEER_NAME: <message>" on stderr and exits with status 1. */
static void __attribute__((noreturn, format(printf, 1, 2), unused))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PEER_NAME ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* A decimal count from 0 to INT_MAX; anything else dies. */
static long __attribute__((unused))
parse_count(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > INT_MAX)
		die("invalid count '%s'", s);
	return v;
}

#endif
