/* lineedit.h - the client's line editor: GNU readline, or libedit's readline interface. */
#ifndef OKC_LINEEDIT_H
#define OKC_LINEEDIT_H

/*
 * Chosen at build time (make READLINE=libedit defines OKC_LIBEDIT), here and only here. Both
 * headers use FILE without always including stdio.h themselves.
 */
#include <stdio.h>

#ifdef OKC_LIBEDIT
#include <string.h>

#include <editline/readline.h>

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
#else
#include <readline/history.h>
#include <readline/readline.h>
#endif

#endif
