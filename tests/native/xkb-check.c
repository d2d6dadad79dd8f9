/*
 * Copyright © 2025 Wayland for .NET contributors
 * SPDX-License-Identifier: MIT
 *
 * xkb-check: compile an XKB keymap with libxkbcommon the way a Wayland
 * client compiles the one it gets in wl_keyboard.keymap, and report what
 * keys produce.
 *
 *   xkb-check KEYMAP_FILE [ARG]...
 *
 * The keymap is compiled from the file's text with
 * xkb_keymap_new_from_string, in a context with no include paths and no
 * RMLVO names from the environment, so it must be complete in itself.
 * libxkbcommon's warnings and errors go to stderr.
 *
 * The first line gives the modifier indices:
 *   Shift=<i> Lock=<i> Control=<i> Mod1=<i> Mod4=<i>
 * Then one line per ARG:
 *
 *   N[+shift][+lock][+control][+mod1]
 *       evdev key code N (XKB key code N + 8) on a fresh state with the
 *       given modifiers (lock locked, the others depressed):
 *       "<ARG> <keysym name> <UTF-8 text in lowercase hex, or -> <repeats 0|1>"
 *   down:N, up:N
 *       key N pressed or released on one state kept across these
 *       arguments (xkb_state_update_key), which runs the keymap's actions:
 *       "<ARG> depressed=0x<mask> latched=0x<mask> locked=0x<mask>"
 *
 * Exit status 0 on success; 1 when the file cannot be read or the keymap
 * does not compile; 2 on usage errors.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xkbcommon/xkbcommon.h>

/* Wayland key codes are evdev codes; XKB key codes are those plus 8. */
#define EVDEV_OFFSET 8

static void
usage(void)
{
	fprintf(stderr, "usage: xkb-check KEYMAP_FILE [N[+shift][+lock][+control][+mod1] | down:N | up:N]...\n");
	exit(2);
}

static char *
read_file(const char *path)
{
	FILE *file = fopen(path, "rb");
	if (file == NULL) {
		fprintf(stderr, "xkb-check: %s: %s\n", path, strerror(errno));
		return NULL;
	}

	size_t capacity = 1 << 16, length = 0;
	char *text = malloc(capacity);
	while (text != NULL) {
		length += fread(text + length, 1, capacity - length - 1, file);
		if (length < capacity - 1)
			break;
		capacity *= 2;
		char *grown = realloc(text, capacity);
		if (grown == NULL)
			free(text);
		text = grown;
	}

	int failed = ferror(file);
	fclose(file);
	if (text == NULL || failed) {
		fprintf(stderr, "xkb-check: cannot read %s\n", path);
		free(text);
		return NULL;
	}
	text[length] = '\0';
	return text;
}

/* Parses a decimal key code at the start of text; returns where it ends, or NULL. */
static const char *
parse_key(const char *text, xkb_keycode_t *key)
{
	char *end;

	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno != 0 || end == text || value < 0 || value > 255 - EVDEV_OFFSET)
		return NULL;
	*key = (xkb_keycode_t)value + EVDEV_OFFSET;
	return end;
}

static int
print_key(struct xkb_keymap *keymap, const char *arg, xkb_mod_index_t shift, xkb_mod_index_t lock,
	  xkb_mod_index_t control, xkb_mod_index_t mod1)
{
	xkb_keycode_t key;
	const char *rest = parse_key(arg, &key);
	if (rest == NULL)
		return 2;

	xkb_mod_mask_t depressed = 0, locked = 0;
	while (*rest != '\0') {
		if (strncmp(rest, "+shift", 6) == 0) {
			depressed |= 1u << shift;
			rest += 6;
		} else if (strncmp(rest, "+lock", 5) == 0) {
			locked |= 1u << lock;
			rest += 5;
		} else if (strncmp(rest, "+control", 8) == 0) {
			depressed |= 1u << control;
			rest += 8;
		} else if (strncmp(rest, "+mod1", 5) == 0) {
			depressed |= 1u << mod1;
			rest += 5;
		} else {
			return 2;
		}
	}

	struct xkb_state *state = xkb_state_new(keymap);
	if (state == NULL) {
		fprintf(stderr, "xkb-check: xkb_state_new failed\n");
		return 1;
	}
	xkb_state_update_mask(state, depressed, 0, locked, 0, 0, 0);

	char name[64];
	xkb_keysym_t sym = xkb_state_key_get_one_sym(state, key);
	if (xkb_keysym_get_name(sym, name, sizeof(name)) < 0)
		snprintf(name, sizeof(name), "?");

	char text[64];
	int length = xkb_state_key_get_utf8(state, key, text, sizeof(text));
	printf("%s %s ", arg, name);
	if (length <= 0)
		printf("-");
	for (int i = 0; i < length && i < (int)sizeof(text) - 1; i++)
		printf("%02x", (unsigned char)text[i]);
	printf(" %d\n", xkb_keymap_key_repeats(keymap, key));

	xkb_state_unref(state);
	return 0;
}

static int
press_key(struct xkb_state *state, const char *arg)
{
	int down = strncmp(arg, "down:", 5) == 0;
	xkb_keycode_t key;
	const char *rest = parse_key(arg + (down ? 5 : 3), &key);
	if (rest == NULL || *rest != '\0')
		return 2;

	xkb_state_update_key(state, key, down ? XKB_KEY_DOWN : XKB_KEY_UP);
	printf("%s depressed=0x%x latched=0x%x locked=0x%x\n", arg,
	       xkb_state_serialize_mods(state, XKB_STATE_MODS_DEPRESSED),
	       xkb_state_serialize_mods(state, XKB_STATE_MODS_LATCHED),
	       xkb_state_serialize_mods(state, XKB_STATE_MODS_LOCKED));
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		usage();

	char *text = read_file(argv[1]);
	if (text == NULL)
		return 1;

	struct xkb_context *context = xkb_context_new(XKB_CONTEXT_NO_DEFAULT_INCLUDES | XKB_CONTEXT_NO_ENVIRONMENT_NAMES);
	if (context == NULL) {
		fprintf(stderr, "xkb-check: xkb_context_new failed\n");
		free(text);
		return 1;
	}
	xkb_context_set_log_level(context, XKB_LOG_LEVEL_WARNING);

	struct xkb_keymap *keymap = xkb_keymap_new_from_string(context, text, XKB_KEYMAP_FORMAT_TEXT_V1,
							       XKB_KEYMAP_COMPILE_NO_FLAGS);
	free(text);
	if (keymap == NULL) {
		fprintf(stderr, "xkb-check: the keymap does not compile\n");
		xkb_context_unref(context);
		return 1;
	}

	xkb_mod_index_t shift = xkb_keymap_mod_get_index(keymap, XKB_MOD_NAME_SHIFT);
	xkb_mod_index_t lock = xkb_keymap_mod_get_index(keymap, XKB_MOD_NAME_CAPS);
	xkb_mod_index_t control = xkb_keymap_mod_get_index(keymap, XKB_MOD_NAME_CTRL);
	xkb_mod_index_t mod1 = xkb_keymap_mod_get_index(keymap, XKB_MOD_NAME_ALT);
	xkb_mod_index_t mod4 = xkb_keymap_mod_get_index(keymap, XKB_MOD_NAME_LOGO);
	printf("Shift=%d Lock=%d Control=%d Mod1=%d Mod4=%d\n", (int)shift, (int)lock, (int)control, (int)mod1,
	       (int)mod4);

	if (shift >= 32 || lock >= 32 || control >= 32 || mod1 >= 32) {
		fprintf(stderr, "xkb-check: a real modifier has no index below 32\n");
		xkb_keymap_unref(keymap);
		xkb_context_unref(context);
		return 1;
	}

	struct xkb_state *pressed = xkb_state_new(keymap);
	int status = pressed == NULL ? 1 : 0;
	for (int i = 2; i < argc && status == 0; i++) {
		if (strncmp(argv[i], "down:", 5) == 0 || strncmp(argv[i], "up:", 3) == 0)
			status = press_key(pressed, argv[i]);
		else
			status = print_key(keymap, argv[i], shift, lock, control, mod1);
		if (status == 2)
			fprintf(stderr, "xkb-check: bad argument '%s'\n", argv[i]);
	}

	if (pressed != NULL)
		xkb_state_unref(pressed);
	xkb_keymap_unref(keymap);
	xkb_context_unref(context);
	if (fflush(stdout) != 0)
		return 1;
	return status;
}
