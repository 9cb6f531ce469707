/* tests/unit/test_layout.c - the layout language and its arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "tui/layout.h"

static const char *names[] = {"alerts", "tickets", "vendors", "drills", "advisories"};

static void test_parse_defaults(void **state)
{
	(void)state;
	struct layout l;
	char err[200];
	assert_int_equal(layout_parse(LAYOUT_DEFAULT, names, 5, &l, err, sizeof err), 0);
	assert_int_equal(l.nrows, 3);
	assert_int_equal(l.rows[0].weight, 2);
	assert_int_equal(l.rows[1].ncells, 2);
	assert_string_equal(l.rows[1].cells[1].pane, "vendors");
	assert_int_equal(l.rows[1].cells[0].weight, 3);
	assert_int_equal(layout_parse(LAYOUT_DEFAULT_WIDE, names, 5, &l, err, sizeof err), 0);
	assert_int_equal(l.nrows, 3);
}

static void test_parse_errors(void **state)
{
	(void)state;
	struct layout l;
	char err[200];
	assert_int_equal(layout_parse("alerts / bogus", names, 5, &l, err, sizeof err), -1);
	assert_non_null(strstr(err, "bogus"));
	assert_int_equal(layout_parse("alerts,", names, 5, &l, err, sizeof err), -1);
	assert_int_equal(layout_parse("alerts:x", names, 5, &l, err, sizeof err), -1);
	assert_int_equal(layout_parse("alerts*99", names, 5, &l, err, sizeof err), -1);
	assert_int_equal(layout_parse("alerts; drop", names, 5, &l, err, sizeof err), -1);
	assert_int_equal(layout_parse("", names, 5, &l, err, sizeof err), -1);
	assert_int_equal(layout_parse("a/a/a/a/a/a/a", names, 5, &l, err, sizeof err), -1);
}

static void test_compute_fills_area_without_overlap(void **state)
{
	(void)state;
	struct layout l;
	char err[200];
	struct layout_place p[LAYOUT_MAX_PANES];
	int sizes[][2] = {{80, 21}, {200, 57}, {41, 7}, {1000, 300}};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		assert_int_equal(layout_parse(LAYOUT_DEFAULT, names, 5, &l, err, sizeof err), 0);
		struct rect area = {1, 0, sizes[k][1], sizes[k][0]};
		int n = layout_compute(&l, area, p, LAYOUT_MAX_PANES);
		assert_int_equal(n, 5);
		long cells = 0;
		for (int i = 0; i < n; i++) {
			assert_true(p[i].r.y >= area.y && p[i].r.y + p[i].r.h <= area.y + area.h);
			assert_true(p[i].r.x >= 0 && p[i].r.x + p[i].r.w <= area.w);
			cells += (long)p[i].r.w * p[i].r.h;
			for (int j = 0; j < i; j++) {
				int ox = p[i].r.x < p[j].r.x + p[j].r.w && p[j].r.x < p[i].r.x + p[i].r.w;
				int oy = p[i].r.y < p[j].r.y + p[j].r.h && p[j].r.y < p[i].r.y + p[i].r.h;
				assert_false(ox && oy);
			}
		}
		/* everything but the one-cell column gaps is used */
		assert_int_equal(cells, (long)area.w * area.h - 1L * (area.h - p[0].r.h));
	}
}

static void test_weights(void **state)
{
	(void)state;
	struct layout l;
	char err[200];
	struct layout_place p[4];
	assert_int_equal(layout_parse("alerts*3 / tickets:1, vendors:3", names, 5, &l, err, sizeof err), 0);
	int n = layout_compute(&l, (struct rect){0, 0, 40, 81}, p, 4);
	assert_int_equal(n, 3);
	assert_int_equal(p[0].r.h, 30);
	assert_int_equal(p[1].r.h, 10);
	assert_int_equal(p[1].r.w, 20);
	assert_int_equal(p[2].r.w, 60);
	assert_int_equal(p[2].r.x, 21);
	/* weight 0 hides a pane */
	assert_int_equal(layout_parse("alerts / tickets:0, vendors", names, 5, &l, err, sizeof err), 0);
	n = layout_compute(&l, (struct rect){0, 0, 10, 80}, p, 4);
	assert_int_equal(n, 2);
	assert_string_equal(p[1].pane, "vendors");
	assert_int_equal(p[1].r.w, 80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_defaults),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_compute_fills_area_without_overlap),
		cmocka_unit_test(test_weights),
	};
	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
