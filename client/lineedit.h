/* lineedit.h - the client's line editor: GNU readline, or libedit's readline interface. */
#ifndef OKC_LINEEDIT_H
#define OKC_LINEEDIT_H

/*
 * Chosen at build time (make READLINE=libedit defines OKC_LIBEDIT), here and only here. Both
 * headers use FILE without always including stdio.h themselves.
 */
#include <stdio.h>

#ifdef OKC_LIBEDIT
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/ioctl.h>

#include <editline/readline.h>

/*
 * macOS's libedit (NetBSD's of about 2012, readline.c 1.106) has no rl_catch_sigwinch,
 * rl_resize_terminal or rl_reset_after_signal (NetBSD added them in 2016), so the client uses
 * none of the three with libedit and mk/macos/libedit.tbd does not list them:
 * - rl_catch_sigwinch: with rl_catch_signals 0 libedit installs no handler at all, SIGWINCH
 *   included, so there is nothing to switch off; the assignment goes to a variable of ours.
 * - rl_resize_terminal: the terminal's new size, asked of the terminal, given to
 *   rl_set_screen_size (which libedit has had for long), so lines wrap at the new width.
 * - rl_reset_after_signal: libedit's rl_cleanup_after_signal changes nothing, so after a
 *   suspension there is nothing to undo; rl_forced_update_display redraws the line.
 */
static int okc_le_catch_sigwinch;
#define rl_catch_sigwinch okc_le_catch_sigwinch

static inline void okc_resize_terminal(void)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		rl_set_screen_size(ws.ws_row, ws.ws_col);
}
#define rl_resize_terminal okc_resize_terminal

static inline void okc_reset_after_signal(void)
{
}
#define rl_reset_after_signal okc_reset_after_signal

/*
 * libedit has no rl_clear_visible_line. Its stand-in blanks what readline shows on the
 * cursor's row (prompt and typed text) with spaces between two carriage returns, so a reply
 * starts at column 0 and rl_forced_update_display redraws the line below it. Plain bytes, no
 * terminal escape: what libedit itself can rely on. A line wrapped over several rows leaves
 * its earlier rows on screen, above the reply.
 */
static inline int okc_clear_visible_line(void)
{
	size_t n = (rl_prompt != NULL ? strlen(rl_prompt) : 0) + (size_t)(rl_end > 0 ? rl_end : 0);
	FILE *f = rl_outstream != NULL ? rl_outstream : stdout;

	fputc('\r', f);
	while (n-- > 0)
		fputc(' ', f);
	fputc('\r', f);
	return fflush(f);
}
#define rl_clear_visible_line okc_clear_visible_line

/*
 * GNU readline starts a new, empty line with its prompt once the line handler returns (unless
 * the handler removed itself); libedit leaves the entered text in its buffer and its terminal
 * in line mode until the next key, so a reply shown meanwhile would redraw the old line, and
 * the next line would be read blocking. Installing the handler again after each line does what
 * GNU readline does. The one handler and prompt are kept here (one includer: interactive.c).
 */
static rl_vcpfunc_t *okc_le_handler;
static const char *okc_le_prompt;

static inline void okc_le_line(char *line)
{
	okc_le_handler(line);
	if (okc_le_handler != NULL)
		rl_callback_handler_install(okc_le_prompt, okc_le_line);
}

static inline void okc_callback_handler_install(const char *prompt, rl_vcpfunc_t *handler)
{
	okc_le_prompt = prompt;
	okc_le_handler = handler;
	rl_callback_handler_install(prompt, okc_le_line);
}

static inline void okc_callback_handler_remove(void)
{
	okc_le_handler = NULL;
	rl_callback_handler_remove();
}
#define rl_callback_handler_install okc_callback_handler_install
#define rl_callback_handler_remove okc_callback_handler_remove

/*
 * libedit's history file has its own header line and escapes (vis(3)); GNU readline's is one
 * entry per line. The file is the user's across builds (section 3), so GNU's format is kept:
 * these read and write it through the history list, returning 0 or an errno as readline does.
 */
static inline int okc_read_history(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t size = 0;
	ssize_t n;
	int err;

	if (f == NULL)
		return errno;
	while ((n = getline(&line, &size, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		add_history(line);
	}
	err = ferror(f) ? errno : 0;
	free(line);
	fclose(f);
	return err;
}

static inline int okc_write_history(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	int err = 0;

	if (f == NULL) {
		err = errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	for (int i = 0; i < history_length; i++) {
		HIST_ENTRY *h = history_get(history_base + i);
		if (h != NULL && fprintf(f, "%s\n", h->line) < 0 && err == 0)
			err = errno;
	}
	if (fclose(f) != 0 && err == 0)
		err = errno;
	return err;
}
#define read_history okc_read_history
#define write_history okc_write_history
#else
#include <readline/history.h>
#include <readline/readline.h>
#endif

#endif
