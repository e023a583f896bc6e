/* lineedit_readline.c - the line editor (lineedit.h) over GNU readline's callback interface. */
#include <errno.h>
#include <stdio.h> /* before readline.h, which uses FILE without including it */

#include <readline/history.h>
#include <readline/readline.h>

#include "lineedit.h"

static int active;

void lineedit_init(const char *name, FILE *out)
{
	rl_readline_name = name;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_outstream = out;
}

int lineedit_read_history(const char *path, int max)
{
	using_history();
	stifle_history(max);
	return path != NULL ? read_history(path) : 0;
}

void lineedit_add_history(const char *line)
{
	add_history(line);
}

int lineedit_write_history(const char *path)
{
	return write_history(path);
}

void lineedit_clear_history(void)
{
	clear_history();
}

void lineedit_start(const char *prompt, lineedit_line_fn *on_line)
{
	rl_callback_handler_install(prompt, on_line);
	active = 1;
}

int lineedit_active(void)
{
	return active;
}

void lineedit_stop(int newline)
{
	if (!active)
		return;
	rl_callback_handler_remove();
	active = 0;
	if (newline)
		fputc('\n', rl_outstream);
	fflush(rl_outstream);
}

void lineedit_feed_char(void)
{
	rl_callback_read_char();
}

int lineedit_show_above(const char *p, size_t n, FILE *f)
{
	int err = 0;

	if (active)
		rl_clear_visible_line();
	if (fwrite(p, 1, n, f) < n || fflush(f) != 0)
		err = errno;
	if (active)
		rl_forced_update_display();
	errno = err;
	return err != 0 ? -1 : 0;
}

void lineedit_resize(void)
{
	if (active)
		rl_resize_terminal();
}

void lineedit_suspend(void)
{
	if (active)
		rl_cleanup_after_signal();
}

void lineedit_resume(void)
{
	if (!active)
		return;
	rl_reset_after_signal();
	rl_forced_update_display();
}
