/* client/log.h - the log file. Never the terminal: stderr would corrupt the
 * screen, so everything (lws's own messages too) goes to one file opened
 * 0600. Before log_open() (and with no file) messages go to stderr. */
#ifndef SOCTOP_LOG_H
#define SOCTOP_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Open path for appending (its directory created 0700). 0 or -1. */
int log_open(const char *path, int level);
void log_close(void);
/* Quiet mode: before log_open, drop messages instead of writing stderr. */
void log_set_quiet(int quiet);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* Create the directory holding path (one level) with mode 0700 if missing. */
int log_mkdir_for(const char *path);

#endif
