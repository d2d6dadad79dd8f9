/*
 * Copyright © 2025 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * png-check: decode a PNG file with libpng, as a reference for the managed
 * PNG encoder.
 *
 *   png-check FILE [X Y]...
 *
 * Prints "WIDTHxHEIGHT", then for each X Y pair the pixel there as 8-bit
 * RGBA, "RRGGBBAA" in lowercase hex, one per line. Images that are not
 * 8-bit RGBA are converted to it by libpng. The whole file is decoded
 * (every row and the chunks after the image data), so a bad CRC, a bad zlib
 * stream or a truncated file is an error even when no pixel is asked for.
 *
 * Exit status 0 on success; 1 with a message on stderr when the file cannot
 * be read or decoded; 2 on usage errors (including a pixel outside the image).
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

static void
usage(void)
{
	fprintf(stderr, "usage: png-check FILE [X Y]...\n");
	exit(2);
}

static int
parse_coordinate(const char *text, long *value)
{
	char *end;

	errno = 0;
	*value = strtol(text, &end, 10);
	return errno == 0 && end != text && *end == '\0' && *value >= 0 && *value <= INT_MAX;
}

static void
on_error(png_structp png, png_const_charp message)
{
	fprintf(stderr, "png-check: libpng: %s\n", message);
	png_longjmp(png, 1);
}

static void
on_warning(png_structp png, png_const_charp message)
{
	(void)png;
	fprintf(stderr, "png-check: libpng warning: %s\n", message);
}

int
main(int argc, char **argv)
{
	if (argc < 2 || argc % 2 != 0)
		usage();

	FILE *file = fopen(argv[1], "rb");
	if (file == NULL) {
		fprintf(stderr, "png-check: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}

	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, on_error, on_warning);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (png == NULL || info == NULL) {
		fprintf(stderr, "png-check: out of memory\n");
		return 1;
	}

	/* Set before setjmp and only read after a longjmp, so they need to be volatile. */
	unsigned char *volatile pixels = NULL;
	png_bytep *volatile rows = NULL;
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		free(rows);
		free(pixels);
		fclose(file);
		return 1;
	}

	png_init_io(png, file);
	png_read_info(png, info);

	png_uint_32 width = png_get_image_width(png, info);
	png_uint_32 height = png_get_image_height(png, info);
	int color_type = png_get_color_type(png, info);
	int bit_depth = png_get_bit_depth(png, info);

	/* Anything else becomes 8-bit RGBA. */
	if (bit_depth == 16)
		png_set_strip_16(png);
	if (color_type == PNG_COLOR_TYPE_PALETTE || bit_depth < 8 || png_get_valid(png, info, PNG_INFO_tRNS))
		png_set_expand(png);
	if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA)
		png_set_gray_to_rgb(png);
	if (!(color_type & PNG_COLOR_MASK_ALPHA) && !png_get_valid(png, info, PNG_INFO_tRNS))
		png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
	png_set_interlace_handling(png);
	png_read_update_info(png, info);

	size_t stride = png_get_rowbytes(png, info);
	if (stride != (size_t)width * 4) {
		fprintf(stderr, "png-check: unexpected row size %zu for width %u\n", stride, (unsigned)width);
		png_longjmp(png, 1);
	}

	pixels = malloc(stride * height);
	rows = malloc(sizeof(png_bytep) * height);
	if (pixels == NULL || rows == NULL) {
		fprintf(stderr, "png-check: out of memory for %ux%u\n", (unsigned)width, (unsigned)height);
		png_longjmp(png, 1);
	}
	for (png_uint_32 y = 0; y < height; y++)
		rows[y] = pixels + (size_t)y * stride;

	png_read_image(png, rows);
	png_read_end(png, NULL);

	printf("%ux%u\n", (unsigned)width, (unsigned)height);
	int status = 0;
	for (int i = 2; i < argc; i += 2) {
		long x, y;
		if (!parse_coordinate(argv[i], &x) || !parse_coordinate(argv[i + 1], &y)) {
			fprintf(stderr, "png-check: bad coordinates '%s' '%s'\n", argv[i], argv[i + 1]);
			status = 2;
			break;
		}
		if (x >= (long)width || y >= (long)height) {
			fprintf(stderr, "png-check: %ld %ld is outside the %ux%u image\n", x, y, (unsigned)width, (unsigned)height);
			status = 2;
			break;
		}
		const unsigned char *p = pixels + (size_t)y * stride + (size_t)x * 4;
		printf("%02x%02x%02x%02x\n", p[0], p[1], p[2], p[3]);
	}

	png_destroy_read_struct(&png, &info, NULL);
	free(rows);
	free(pixels);
	fclose(file);
	if (fflush(stdout) != 0)
		return 1;
	return status;
}
