/* tests/unit/test_prompt.c - the modal prompt (confirm, choice, text with
 * Chinese input) and the action table that drives it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curses.h>
#include <locale.h>
#include <string.h>

#include "tui/actions.h"
#include "tui/prompt.h"

static void test_confirm_defaults_to_no(void **state)
{
	(void)state;
	struct prompt p;
	prompt_confirm(&p, "Send?");
	assert_int_equal(prompt_key(&p, 'n', 0), PROMPT_CANCEL);
	prompt_confirm(&p, "Send?");
	assert_int_equal(prompt_key(&p, '\r', 0), PROMPT_CANCEL);
	prompt_confirm(&p, "Send?");
	assert_int_equal(prompt_key(&p, KEY_DOWN, 1), PROMPT_CONTINUE);
	assert_int_equal(prompt_key(&p, 'y', 0), PROMPT_DONE);
	assert_true(p.yes);
}

static void test_choice(void **state)
{
	(void)state;
	struct prompt p;
	char v[64];
	prompt_choice(&p, "Resolution", "true_positive,false_positive,duplicate,benign");
	assert_int_equal(p.nchoices, 4);
	assert_int_equal(prompt_key(&p, KEY_RIGHT, 1), PROMPT_CONTINUE);
	assert_int_equal(prompt_key(&p, KEY_RIGHT, 1), PROMPT_CONTINUE);
	assert_int_equal(prompt_key(&p, '\r', 0), PROMPT_DONE);
	prompt_value(&p, v, sizeof v);
	assert_string_equal(v, "duplicate");
	prompt_choice(&p, "Resolution", "true_positive,false_positive,duplicate,benign");
	assert_int_equal(prompt_key(&p, KEY_LEFT, 1), PROMPT_CONTINUE);
	prompt_value(&p, v, sizeof v);
	assert_string_equal(v, "benign");
	assert_int_equal(prompt_key(&p, '2', 0), PROMPT_DONE);
	prompt_value(&p, v, sizeof v);
	assert_string_equal(v, "false_positive");
	assert_int_equal(prompt_key(&p, 27, 0), PROMPT_CANCEL);
}

static void test_text_chinese_and_editing(void **state)
{
	(void)state;
	struct prompt p;
	char v[256];
	prompt_text(&p, "Note", 0, 0);
	assert_int_equal(prompt_key(&p, '\r', 0), PROMPT_CONTINUE); /* required: empty not accepted */
	const wchar_t *in = L"已通知示範銀行 ok";
	for (size_t i = 0; i < wcslen(in); i++)
		assert_int_equal(prompt_key(&p, (unsigned)in[i], 0), PROMPT_CONTINUE);
	assert_int_equal(prompt_key(&p, 0x9b, 0), PROMPT_CONTINUE);   /* C1 CSI: ignored */
	assert_int_equal(prompt_key(&p, 7, 0), PROMPT_CONTINUE);      /* BEL: ignored */
	assert_int_equal(prompt_key(&p, 127, 0), PROMPT_CONTINUE);    /* backspace */
	prompt_value(&p, v, sizeof v);
	assert_string_equal(v, "已通知示範銀行 o");
	assert_int_equal(prompt_key(&p, '\r', 0), PROMPT_DONE);
	prompt_text(&p, "Hours", 0, 1);
	prompt_key(&p, '1', 0);
	prompt_key(&p, 'x', 0);
	prompt_key(&p, '.', 0);
	prompt_key(&p, '5', 0);
	prompt_key(&p, '.', 0);
	prompt_value(&p, v, sizeof v);
	assert_string_equal(v, "1.5");
}

static void test_actions_table(void **state)
{
	(void)state;
	const struct act_spec *a = actions_find_op("ticket.assign");
	assert_non_null(a);
	assert_int_equal(a->stream, PROTO_TICKETS);
	assert_null(actions_find_op("vendor.ack"));
	assert_null(actions_find_op(NULL));
	assert_int_equal(actions_find_op("alert.close")->stream, PROTO_ALERTS);
	assert_int_equal(actions_find_op("drill.checkin")->stream, PROTO_DRILLS);
	/* every op of the protocol is reachable */
	const char *ops[] = {"alert.ack",   "alert.close",   "alert.escalate", "ticket.ack", "ticket.assign",
			     "ticket.status", "ticket.note", "ticket.request_vendor", "drill.checkin"};
	int n;
	const struct act_spec *all = actions_all(&n);
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		int found = 0;
		for (int k = 0; k < n; k++)
			found |= strcmp(all[k].op, ops[i]) == 0;
		assert_true(found);
	}
}

static void test_set_arg(void **state)
{
	(void)state;
	json_t *args = json_object();
	const struct act_spec *v = actions_find_op("ticket.request_vendor");
	assert_int_equal(actions_set_arg(args, &v->steps[1], "abc"), -1);
	assert_int_equal(actions_set_arg(args, &v->steps[1], "0"), -1);
	assert_int_equal(actions_set_arg(args, &v->steps[1], "12"), 0);
	assert_true(json_is_integer(json_object_get(args, "hours")));
	assert_int_equal(actions_set_arg(args, &v->steps[1], "1.5"), 0);
	assert_true(json_is_real(json_object_get(args, "hours")));
	assert_int_equal(actions_set_arg(args, &v->steps[2], ""), 0); /* optional note */
	assert_null(json_object_get(args, "note"));
	assert_int_equal(actions_set_arg(args, &v->steps[0], ""), -1); /* vendor required */
	json_decref(args);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_confirm_defaults_to_no), cmocka_unit_test(test_choice),
		cmocka_unit_test(test_text_chinese_and_editing), cmocka_unit_test(test_actions_table),
		cmocka_unit_test(test_set_arg),
	};
	return cmocka_run_group_tests_name("prompt", tests, NULL, NULL);
}
