/* tui/i18n.c - see i18n.h. */
#include "tui/i18n.h"

#include <langinfo.h>
#include <libgen.h>
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SOCTOP_LOCALEDIR
#define SOCTOP_LOCALEDIR "/usr/local/share/locale"
#endif

#define DOMAIN "soctop"

static int enabled;

const char *i18n_text(const char *msgid)
{
	return enabled ? dgettext(DOMAIN, msgid) : msgid;
}

static int has_catalog(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	int n = snprintf(path, sizeof path, "%s/zh_TW/LC_MESSAGES/" DOMAIN ".mo", dir);
	return n > 0 && (size_t)n < sizeof path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Where the catalogs are: see i18n.h. */
static const char *locale_dir(char *buf, size_t n)
{
	const char *env = getenv("SOCTOP_LOCALEDIR");
	if (env && env[0] == '/' && has_catalog(env))
		return env;
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		exe[len] = '\0';
		int k = snprintf(buf, n, "%s/locale", dirname(exe));
		if (k > 0 && (size_t)k < n && has_catalog(buf))
			return buf;
	}
	return SOCTOP_LOCALEDIR;
}

const char *i18n_init(const char *language)
{
	char dir[PATH_MAX];
	const char *cs = nl_langinfo(CODESET);
	enabled = 0;
	if (language && strcmp(language, "en") == 0)
		return "en";
	if (!cs || strcmp(cs, "UTF-8") != 0)
		return "en"; /* Chinese cannot be shown: English, never '?' for every word */
	if (language && strcmp(language, "zh_TW") == 0)
		setenv("LANGUAGE", "zh_TW", 1); /* over LANG, for gettext only */
	if (!bindtextdomain(DOMAIN, locale_dir(dir, sizeof dir)) || !bind_textdomain_codeset(DOMAIN, "UTF-8"))
		return "en";
	enabled = 1;
	/* what gettext chose: a known msgid's translation tells */
	return strcmp(dgettext(DOMAIN, "Alerts"), "Alerts") != 0 ? "zh_TW" : "en";
}
