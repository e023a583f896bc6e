/* oklimits.h - every limit of okserver, named once: those a user sees, then the internal ones. */
#ifndef OK_OKLIMITS_H
#define OK_OKLIMITS_H

/*
 * Not "limits.h": the fuzz and lint builds add -Iserver, and a server/limits.h would then stand
 * in for the system's <limits.h> in every file that includes it.
 *
 * The limits a user can observe are documented in --help (options.c), okserver(1) and the
 * README; the default port and address are common/util.h's, shared with okclient.
 */
#define OK_MAX_CLIENTS_DEFAULT 1024u
#define OK_MAX_CLIENTS_LIMIT   1000000u
#define OK_IDLE_TIMEOUT_MAX    2147483u  /* seconds: the milliseconds still fit an int */
#define OK_MAX_LINE_DEFAULT    65536u    /* content bytes of a line, terminator excluded */
#define OK_MAX_LINE_LIMIT      16777216u /* 16 MiB: bounds the one buffer a Q line may hold */
#define OK_MAX_BINDS           16        /* -b addresses, one TCP listener each */
#define OK_MAX_LISTENERS       (OK_MAX_BINDS + 1) /* and the -U one */
#define OK_UNIX_MODE_DEFAULT   0600u     /* the -U socket file's mode unless --unix-mode */
#define OK_GREETING_MAX        1024u     /* --greeting: bytes of TEXT, its LF excluded */
#define OK_PRINT_BUFFER        1048576u  /* --print: 1 MiB of lines waiting for standard output
                                          * stops reading from clients until it drains */
#define OK_HANDSHAKE_MS        10000     /* a PROXY header must be whole and a TLS handshake done
                                          * within this, or within --idle-timeout when that is
                                          * shorter and not 0 */
/* Descriptors kept back from --max-clients: stdin, stdout, stderr, the listener, the event
 * backend's own (epoll), the stop-signal source, the daemon's pipe to its parent, one spare.
 * Each listener beyond the first is kept back too (main.c). */
#define OK_FD_RESERVE          8

/* Internal: timing and sizes a user may notice but never sets. */
#define OK_READ_CHUNK          16384     /* one read; its replies always fit the output buffer */
#define OK_END_GRACE_MS        2000      /* an ending connection's grace: this long without
                                          * progress (flushing, then lingering) is too long */
#define OK_SHUTDOWN_MS         3000      /* SIGTERM to exit, even with clients that do not read */
#define OK_SHUTDOWN_READS      8         /* reads per connection to answer what arrived first */
#define OK_ACCEPT_RETRY_MS     1000      /* out of descriptors: try accept() again this often */
#define OK_EMFILE_LOG_MS       60000     /* ... and say so at most this often */
#define OK_TLS_COOL_MS         1000      /* TLS: a busy connection keeps OpenSSL's buffers until
                                          * a look this often finds it quiet (ok_tls_cool) */
#define OK_WAIT_MAX_MS         3600000   /* longest single sleep of the loop, even for a far
                                          * deadline: the milliseconds of an hour fit an int */
#define OK_READY_POLL_MS       100       /* how often a blocked ready line looks for a stop
                                          * signal */
#define OK_LOG_LINE_MAX        512       /* one log line, "okserver: " and LF included */
#define OK_LOG_BUFFER          65536     /* whole lines the log could not take at once wait here
                                          * (beyond it they are dropped and counted) */
#define OK_NOTIFY_RETRY_MS     5000      /* NOTIFY_SOCKET full: a message is tried this long */
#define OK_NOTIFY_AGAIN_MS     50        /* ... this often */
/* Ready descriptors one wait may return: one per descriptor of the table, up to this many
 * (redis sizes its own the same way), so every busy connection comes back from one wait. */
#define OK_EVENTS_MAX          65536
/* The connection table has one record per descriptor the process may get. An open-file limit
 * above this factor times what --max-clients needs is trimmed to that, so the table stays
 * proportional to --max-clients; one below what it needs is raised to it. */
#define OK_TABLE_SLACK         4

#endif
