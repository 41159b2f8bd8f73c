/* log.h: one-line messages on stderr with a timestamp and level. */
#ifndef GAZETTE_UTIL_LOG_H
#define GAZETTE_UTIL_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
