/* loop.h - the server loop (loop.c): accept, signals, deadlines; the only place that waits. */
#ifndef OK_LOOP_H
#define OK_LOOP_H

struct server;

/* Serves until a stop signal (or the one connection of --once) has been seen through. s comes
 * zeroed but for main's settings; 0, or 1 when the loop could not go on. */
int server_run(struct server *s);

#endif
