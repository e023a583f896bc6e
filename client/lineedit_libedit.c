/* lineedit_libedit.c - the line editor (lineedit.h) over libedit's readline interface. */
#include <errno.h>
#include <stdio.h> /* before readline.h, which uses FILE without including it */
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

void lineedit_history_init(int max)
{
	using_history();
	stifle_history(max);
}

void lineedit_add_history(const char *line)
{
	add_history(line);
}

int lineedit_history_count(void)
{
	return history_length;
}

const char *lineedit_history_line(int i)
{
	HIST_ENTRY *h = history_get(history_base + i);

	return h != NULL ? h->line : NULL;
}

void lineedit_clear_history(void)
{
	clear_history();
}

/* libedit's handler: the caller's, then the prompt again for the next line (see above),
 * unless the caller's stopped the editor. At Ctrl-D GNU readline leaves the cursor on a new
 * line; libedit leaves it after its "^D", where the server's last replies would follow. */
static void take_line(char *line)
{
	lineedit_line_fn *caller = handler;

	if (line == NULL) {
		fputc('\n', rl_outstream);
		fflush(rl_outstream);
	}
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
