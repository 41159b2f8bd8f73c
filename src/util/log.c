/* log.c: timestamped log lines, written whole with one write so threads do not interleave. */
#include "util/log.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static void log_line(const char *level, const char *fmt, va_list ap)
{
    char line[2048];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    size_t n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ", &tm);
    int m = snprintf(line + n, sizeof(line) - n, "%s: ", level);
    if (m > 0)
        n += (size_t)m;
    size_t room = sizeof(line) - n - 1; /* one byte is kept for the newline */
    m = vsnprintf(line + n, room, fmt, ap);
    if (m > 0 && (size_t)m < room)
        n += (size_t)m;
    else if (m > 0) /* cut short: not inside a character */
        n += utf8_whole(line + n, room - 1);
    for (size_t i = 0; i < n; i++) /* one event, one line: libraries' messages hold newlines */
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    while (n > 0 && line[n - 1] == ' ')
        n--;
    line[n++] = '\n';
    ssize_t written = write(STDERR_FILENO, line, n);
    (void)written;
}

void log_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line("info", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line("error", fmt, ap);
    va_end(ap);
}
