/* Institutions, officers and entity helpers shared by scenario and actions. */
#include "sim/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/util.h"

const struct model_inst model_insts[MODEL_NINST] = {
	{"B001", "示範商業銀行", "shifan-bank"},
	{"B002", "北辰商業銀行", "beichen-bank"},
	{"B003", "福興銀行", "fuxing-bank"},
	{"B004", "安和證券", "anhe-sec"},
	{"B005", "信達期貨交易所", "xinda-futures"},
	{"B006", "聯清集中保管結算所", "lianqing-ccp"},
	{"B007", "東陽商業銀行", "dongyang-bank"},
	{"B008", "南瀛銀行", "nanying-bank"},
	{"B009", "瑞隆證券", "ruilong-sec"},
	{"B010", "禾豐商業銀行", "hefeng-bank"},
	{"B011", "長虹國際商業銀行", "changhong-bank"},
	{"B012", "恆信證券投資信託", "hengxin-sitc"},
	{"B013", "嘉峰銀行", "jiafeng-bank"},
	{"B014", "寶島票券金融", "baodao-bills"},
	{"B015", "青松信用合作社", "qingsong-coop"},
	{"B016", "遠揚證券交易所", "yuanyang-exchange"},
};

const char *const model_officers[MODEL_NOFFICERS] = {"duty.chen", "duty.lin", "duty.wang",
						     "duty.huang", "duty.tsai"};

int model_is_officer(const char *name)
{
	for (int i = 0; i < MODEL_NOFFICERS; i++)
		if (!strcmp(name, model_officers[i]))
			return 1;
	return 0;
}

const struct model_inst *model_inst_by_id(const char *id)
{
	for (int i = 0; id && i < MODEL_NINST; i++)
		if (!strcmp(id, model_insts[i].id))
			return &model_insts[i];
	return NULL;
}

int model_sla_hours(const char *severity)
{
	if (!strcmp(severity, "critical"))
		return 4;
	if (!strcmp(severity, "high"))
		return 24;
	if (!strcmp(severity, "medium"))
		return 72;
	if (!strcmp(severity, "low"))
		return 168;
	return 336;
}

json_t *model_time(time_t t)
{
	char buf[21];
	util_fmt_time(t, buf);
	return json_string(buf);
}

json_t *model_now(void)
{
	return model_time(time(NULL));
}

json_t *model_inst_json(const struct model_inst *in)
{
	return json_pack("{s:s,s:s}", "id", in->id, "name", in->name);
}

json_t *model_get(struct backend *b, int stream, const char *id)
{
	struct entity *e = backend_find(b, stream, id);
	if (!e)
		return NULL;
	json_error_t err;
	return json_loadb(e->data, e->data_len, 0, &err);
}

void model_put(struct backend *b, int stream, json_t *data)
{
	const char *id = json_string_value(json_object_get(data, "id"));
	char *txt = json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (id && txt)
		backend_upsert(b, stream, id, txt, strlen(txt));
	free(txt);
}

void model_add_note(json_t *obj, const char *author, const char *text)
{
	json_t *notes = json_object_get(obj, "notes");
	if (!json_is_array(notes)) {
		notes = json_array();
		json_object_set_new(obj, "notes", notes);
	}
	json_array_append_new(notes, json_pack("{s:o,s:s,s:s}", "time", model_now(), "author",
					       author, "text", text));
}

unsigned model_next_ticket_no(struct sim *s)
{
	if (s->next_ticket)
		return s->next_ticket++;
	unsigned max = 100;
	for (struct entity *e = s->b[BK_FCERT].lists[ST_TICKETS].head; e; e = e->next) {
		const char *dash = strrchr(e->id, '-');
		unsigned n = dash ? (unsigned)strtoul(dash + 1, NULL, 10) : 0;
		if (n > max)
			max = n;
	}
	s->next_ticket = max + 2;
	return max + 1;
}

void model_open_ticket(struct sim *s, json_t *alert, const char *author, const char *note,
		       time_t opened, char id_out[32])
{
	struct tm tm;
	gmtime_r(&opened, &tm);
	snprintf(id_out, 32, "FCERT-%04d-%04u", tm.tm_year + 1900, model_next_ticket_no(s));
	const char *sev = json_string_value(json_object_get(alert, "severity"));
	if (!sev)
		sev = "medium";
	const char *tlp = json_string_value(json_object_get(alert, "tlp"));
	const char *title = json_string_value(json_object_get(alert, "title"));
	const char *aid = json_string_value(json_object_get(alert, "id"));
	json_t *inst = json_object_get(alert, "institution");
	json_t *t = json_pack("{s:s,s:o,s:o,s:O,s:s,s:s,s:s,s:s,s:n,s:o,s:n,s:i,s:[],s:[]}", "id",
			      id_out, "opened", model_time(opened), "updated", model_time(opened),
			      "institution", inst, "title", title ? title : "(untitled)",
			      "severity", sev, "tlp", tlp ? tlp : "AMBER", "status", "new",
			      "assignee", "due", model_time(opened + 3600 * model_sla_hours(sev)),
			      "vendor_id", "hours_used", 0, "alert_ids", "notes");
	if (!t)
		return;
	if (aid)
		json_array_append_new(json_object_get(t, "alert_ids"), json_string(aid));
	if (note) {
		json_array_append_new(json_object_get(t, "notes"),
				      json_pack("{s:o,s:s,s:s}", "time", model_time(opened),
						"author", author, "text", note));
	}
	model_put(&s->b[BK_FCERT], ST_TICKETS, t);
	json_decref(t);
}
