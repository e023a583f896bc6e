/* lineedit.h - the prompt's line editor, in our own names: GNU readline or libedit behind them. */
#ifndef OKC_LINEEDIT_H
#define OKC_LINEEDIT_H

#include <stddef.h>
#include <stdio.h>

/*
 * One implementation is compiled, as the Makefile's READLINE= chooses: lineedit_readline.c
 * (GNU readline) or lineedit_libedit.c (libedit's readline interface, as macOS has it). Each is
 * these calls over its library's callback interface, so what one library lacks is made up in
 * its own file, never at a call site. Signals are the caller's, never the editor's: it catches
 * them and calls lineedit_resize, lineedit_suspend and lineedit_resume. Calls that act on the
 * line being edited do nothing while the editor is not active.
 */

/* An entered line without its LF, malloc'd and the callee's to free; NULL for Ctrl-D. */
typedef void lineedit_line_fn(char *line);

/* The editor's settings: name (for inputrc), no signal handlers of its own, the prompt drawn
 * on out. Before any other call: libedit fixes its streams at its first call, history too. */
void lineedit_init(const char *name, FILE *out);

/* The history, bounded to max lines, then path read into it (NULL: nothing to read). 0, or
 * the errno of the failure (ENOENT: no file yet). */
int lineedit_read_history(const char *path, int max);
void lineedit_add_history(const char *line);
/* The history into path, one line per entry (GNU readline's format with either library, so
 * the file is the user's across builds): 0 or an errno. */
int lineedit_write_history(const char *path);
void lineedit_clear_history(void);

/* Shows prompt and edits from now on; each entered line goes to on_line. */
void lineedit_start(const char *prompt, lineedit_line_fn *on_line);
/* Started and not stopped since (on_line may stop it). */
int lineedit_active(void);
/* The terminal back to how it was, then a newline when asked, so the cursor is on a fresh line. */
void lineedit_stop(int newline);
/* Standard input is readable: takes one key (and calls on_line when it ends a line). */
void lineedit_feed_char(void);
/* Writes p[0, n) to f above the line being edited: the line cleared, p written and flushed,
 * the line redrawn. 0, or -1 with errno set when the write failed. */
int lineedit_show_above(const char *p, size_t n, FILE *f);
/* The terminal's size changed (SIGWINCH): lines wrap at the new width. */
void lineedit_resize(void);
/* Before the process stops (Ctrl-Z): the terminal back to normal. After it goes on: the
 * editor's mode again, the line redrawn. */
void lineedit_suspend(void);
void lineedit_resume(void);

#endif
