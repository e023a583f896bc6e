/* lineedit_libedit.c - the line editor (lineedit.h) over libedit's readline interface. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* before readline.h, which uses FILE without including it */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <editline/readline.h>

#include "lineedit.h"

/*
 * macOS's libedit (NetBSD's of about 2012, readline.c 1.106) has no rl_catch_sigwinch,
 * rl_resize_terminal or rl_reset_after_signal (NetBSD added them in 2016), so none of the three
 * is used here and mk/macos/libedit.tbd does not list them: with rl_catch_signals 0 libedit
 * installs no handler at all, SIGWINCH included; the new size is asked of the terminal; and
 * its rl_cleanup_after_signal changes nothing, so after a suspension there is nothing to undo.
 *
 * GNU readline starts a new, empty line with its prompt once the line handler returns (unless
 * the handler removed itself); libedit leaves the entered text in its buffer and its terminal
 * in line mode until the next key, so a reply shown meanwhile would redraw the old line, and
 * the next line would be read blocking. Installing the handler again after each line does what
 * GNU readline does. The caller's handler (NULL: not active) and prompt are kept for that.
 */
static lineedit_line_fn *handler;
static const char *shown_prompt;

void lineedit_init(const char *name, FILE *out)
{
	rl_readline_name = name;
	rl_catch_signals = 0;
	rl_outstream = out;
}

/*
 * libedit's history file has its own header line and escapes (vis(3)); GNU readline's is one
 * entry per line. The file is the user's across builds, so GNU's format is kept: it is read and
 * written here through the history list.
 */
int lineedit_read_history(const char *path, int max)
{
	FILE *f;
	char *line = NULL;
	size_t size = 0;
	ssize_t n;
	int err;

	using_history();
	stifle_history(max);
	if (path == NULL)
		return 0;
	if ((f = fopen(path, "r")) == NULL)
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

void lineedit_add_history(const char *line)
{
	add_history(line);
}

int lineedit_write_history(const char *path)
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

void lineedit_clear_history(void)
{
	clear_history();
}

/* libedit's handler: the caller's, then the prompt again for the next line (see above),
 * unless the caller's stopped the editor. */
static void take_line(char *line)
{
	lineedit_line_fn *caller = handler;

	caller(line);
	if (lineedit_active())
		rl_callback_handler_install(shown_prompt, take_line);
}

void lineedit_start(const char *prompt, lineedit_line_fn *on_line)
{
	shown_prompt = prompt;
	handler = on_line;
	rl_callback_handler_install(prompt, take_line);
}

int lineedit_active(void)
{
	return handler != NULL;
}

void lineedit_stop(int newline)
{
	if (handler == NULL)
		return;
	handler = NULL;
	rl_callback_handler_remove();
	if (newline)
		fputc('\n', rl_outstream);
	fflush(rl_outstream);
}

void lineedit_feed_char(void)
{
	rl_callback_read_char();
}

/*
 * libedit has no rl_clear_visible_line. This blanks what it shows on the cursor's row (prompt
 * and typed text) with spaces between two carriage returns, so output starts at column 0 and
 * rl_forced_update_display redraws the line below it. Plain bytes, no terminal escape: what
 * libedit itself can rely on. A line wrapped over several rows leaves its earlier rows on
 * screen, above the output.
 */
static void clear_visible_line(void)
{
	size_t n = (rl_prompt != NULL ? strlen(rl_prompt) : 0) + (size_t)(rl_end > 0 ? rl_end : 0);

	fputc('\r', rl_outstream);
	while (n-- > 0)
		fputc(' ', rl_outstream);
	fputc('\r', rl_outstream);
	fflush(rl_outstream);
}

int lineedit_show_above(const char *p, size_t n, FILE *f)
{
	int err = 0;

	if (handler != NULL)
		clear_visible_line();
	if (fwrite(p, 1, n, f) < n || fflush(f) != 0)
		err = errno;
	if (handler != NULL)
		rl_forced_update_display();
	errno = err;
	return err != 0 ? -1 : 0;
}

void lineedit_resize(void)
{
	struct winsize ws;

	if (handler != NULL && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		rl_set_screen_size(ws.ws_row, ws.ws_col);
}

void lineedit_suspend(void)
{
	if (handler != NULL)
		rl_cleanup_after_signal();
}

void lineedit_resume(void)
{
	if (handler != NULL)
		rl_forced_update_display();
}
