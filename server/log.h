/* log.h - okserver's diagnostics: one whole line on standard error per call. */
#ifndef OK_LOG_H
#define OK_LOG_H

/* Writes "okserver: " and the formatted text, cut to OK_LOG_LINE_MAX, as one line. */
void server_log(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

#endif
