/* tui/i18n.h - soctop's own words in English or Traditional Chinese
 * (zh_TW), through gettext (domain "soctop"; po/ in the tree, built by the
 * Makefile). Text from the backends is never translated. Until i18n_init()
 * turns it on (tests, soctop-sim), _() returns its argument unchanged. */
#ifndef SOCTOP_I18N_H
#define SOCTOP_I18N_H

#include <stddef.h>

/* Mark text to translate where it is used... */
#define _(s) i18n_text(s)
/* ...or only mark it (a table of msgids; _() it where shown). */
#define N_(s) (s)

const char *i18n_text(const char *msgid) __attribute__((format_arg(1)));

/* After setlocale(): language is "auto" (the locale decides), "en" or
 * "zh_TW". Chinese needs a UTF-8 locale: otherwise English is kept. The
 * catalogs are looked for in $SOCTOP_LOCALEDIR, then next to the binary
 * (build/locale), then in the installed SOCTOP_LOCALEDIR. Returns the
 * language in use ("en" or "zh_TW"). */
const char *i18n_init(const char *language);

#endif
