/* tui/layout.c - see layout.h. */
#include "tui/layout.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int read_weight(const char **pp, int *w)
{
	const char *p = skip_ws(*pp);
	if (!isdigit((unsigned char)*p))
		return -1;
	int v = 0;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (*p - '0');
		if (v > LAYOUT_WEIGHT_MAX)
			return -1;
		p++;
	}
	*w = v;
	*pp = p;
	return 0;
}

int layout_parse(const char *spec, const char *const *names, int nnames, struct layout *out, char *err,
		 size_t errlen)
{
	memset(out, 0, sizeof *out);
	const char *p = spec ? spec : "";
	struct layout_row *row = &out->rows[0];
	out->nrows = 1;
	row->weight = 1;
	int npanes = 0;
	for (;;) {
		p = skip_ws(p);
		char name[16];
		size_t n = 0;
		while (isalpha((unsigned char)*p) || *p == '_') {
			if (n + 1 >= sizeof name) {
				snprintf(err, errlen, "pane name too long at \"%.20s\"", p);
				return -1;
			}
			name[n++] = *p++;
		}
		name[n] = '\0';
		if (!n) {
			snprintf(err, errlen, "expected a pane name at \"%.20s\"", p);
			return -1;
		}
		int known = 0;
		for (int i = 0; i < nnames; i++)
			if (strcmp(name, names[i]) == 0)
				known = 1;
		if (!known) {
			snprintf(err, errlen, "unknown pane \"%s\" (known: alerts, tickets, vendors, drills, advisories)",
				 name);
			return -1;
		}
		if (row->ncells >= LAYOUT_MAX_COLS) {
			snprintf(err, errlen, "more than %d panes in one row", LAYOUT_MAX_COLS);
			return -1;
		}
		struct layout_cell *cell = &row->cells[row->ncells++];
		snprintf(cell->pane, sizeof cell->pane, "%s", name);
		cell->weight = 1;
		npanes++;
		for (;;) {
			p = skip_ws(p);
			if (*p == '*') {
				p++;
				if (read_weight(&p, &row->weight) < 0) {
					snprintf(err, errlen, "'*' wants a row height weight 0..%d after %s", LAYOUT_WEIGHT_MAX,
						 name);
					return -1;
				}
			} else if (*p == ':') {
				p++;
				if (read_weight(&p, &cell->weight) < 0) {
					snprintf(err, errlen, "':' wants a width weight 0..%d after %s", LAYOUT_WEIGHT_MAX,
						 name);
					return -1;
				}
			} else {
				break;
			}
		}
		p = skip_ws(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '/') {
			p++;
			if (out->nrows >= LAYOUT_MAX_ROWS) {
				snprintf(err, errlen, "more than %d rows", LAYOUT_MAX_ROWS);
				return -1;
			}
			row = &out->rows[out->nrows++];
			row->weight = 1;
			continue;
		}
		if (*p == '\0')
			break;
		snprintf(err, errlen, "unexpected \"%c\" at \"%.20s\"", *p, p);
		return -1;
	}
	(void)npanes;
	return 0;
}

/* Split total into n parts by weights; the remainder goes to the first parts. */
static void split(int total, const int *weights, int n, int *sizes)
{
	int sum = 0;
	for (int i = 0; i < n; i++)
		sum += weights[i];
	int given = 0;
	for (int i = 0; i < n; i++) {
		sizes[i] = sum > 0 ? total * weights[i] / sum : 0;
		given += sizes[i];
	}
	for (int i = 0; i < n && given < total; i++) {
		if (weights[i] > 0) {
			sizes[i]++;
			given++;
		}
	}
}

int layout_compute(const struct layout *l, struct rect area, struct layout_place *out, int max)
{
	int hw[LAYOUT_MAX_ROWS] = {0}, hs[LAYOUT_MAX_ROWS] = {0};
	int np = 0;
	for (int i = 0; i < l->nrows; i++)
		hw[i] = l->rows[i].weight;
	split(area.h, hw, l->nrows, hs);
	int y = area.y;
	for (int i = 0; i < l->nrows; i++) {
		const struct layout_row *row = &l->rows[i];
		int ww[LAYOUT_MAX_COLS] = {0}, ws[LAYOUT_MAX_COLS] = {0}, live = 0;
		for (int j = 0; j < row->ncells; j++) {
			ww[j] = row->cells[j].weight;
			live += ww[j] > 0;
		}
		int gaps = live > 1 ? live - 1 : 0;
		split(area.w - gaps, ww, row->ncells, ws);
		int x = area.x;
		for (int j = 0; j < row->ncells; j++) {
			if (ws[j] <= 0 || hs[i] <= 0)
				continue;
			if (np < max) {
				out[np].pane = row->cells[j].pane;
				out[np].r = (struct rect){y, x, hs[i], ws[j]};
				np++;
			}
			x += ws[j] + 1;
		}
		y += hs[i];
	}
	return np;
}
