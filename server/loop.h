/* loop.h - the server loop (loop.c): accept, signals, deadlines; the only place that waits. */
#ifndef OK_LOOP_H
#define OK_LOOP_H

struct server;

/* Serves until a stop signal (or the one connection of --once) has been seen through. s comes
 * zeroed but for its configuration and main's listeners; SERVER_EXIT_OK, or SERVER_EXIT_SOCKET
 * when the loop could not go on (said on the log). */
int server_run(struct server *s);

#endif
