/* wait.h - okbench's one wait: poll, to the microsecond where the system can (ppoll). */
#ifndef OKB_WAIT_H
#define OKB_WAIT_H

#include <poll.h>
#include <stdint.h>

/* poll(pfd, n) for at most timeout_ns nanoseconds (< 0: no limit). Where there is no ppoll the
 * wait is rounded up to whole milliseconds, so a line due soon is sent a little late, never
 * early. As poll: the number of ready descriptors, 0, or -1 with errno (EINTR: a signal). */
int okb_wait(struct pollfd *pfd, nfds_t n, int64_t timeout_ns);

#endif
