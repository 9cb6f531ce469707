/* client/proto.h - the soctop.v1 wire protocol (docs/PROTOCOL.md).
 *
 * proto_decode() turns one reassembled text message from a backend into a
 * validated struct proto_msg: every field the message type requires is
 * checked for presence, type and enumeration before the caller sees it, so
 * the caller may apply a PROTO_OK message without further checks. The
 * proto_encode_*() functions build what the client sends. No I/O here. */
#ifndef SOCTOP_PROTO_H
#define SOCTOP_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define PROTO_VERSION 1
#define PROTO_SUBPROTOCOL "soctop.v1"
#define PROTO_MAX_MSG (1024u * 1024u) /* on the reassembled message */
#define PROTO_MAX_EPOCH 128           /* longer epochs are invalid */
#define PROTO_MAX_ID 256              /* longer entity ids are invalid */

enum proto_stream {
	PROTO_ALERTS,
	PROTO_ADVISORIES,
	PROTO_TICKETS,
	PROTO_VENDORS,
	PROTO_DRILLS,
	PROTO_NSTREAMS
};

/* State streams are replaced whole by a snapshot; history streams are not. */
#define PROTO_STREAM_IS_STATE(s)                                               \
	((s) == PROTO_TICKETS || (s) == PROTO_VENDORS || (s) == PROTO_DRILLS)

enum proto_sev { PROTO_SEV_INFO, PROTO_SEV_LOW, PROTO_SEV_MEDIUM, PROTO_SEV_HIGH, PROTO_SEV_CRITICAL };
enum proto_tlp { PROTO_TLP_CLEAR, PROTO_TLP_GREEN, PROTO_TLP_AMBER, PROTO_TLP_AMBER_STRICT, PROTO_TLP_RED };

enum proto_type {
	PROTO_MSG_UNKNOWN, /* a type we do not know: ignored (forward compatible) */
	PROTO_MSG_HELLO,
	PROTO_MSG_EVENT,
	PROTO_MSG_SNAPSHOT_BEGIN,
	PROTO_MSG_SNAPSHOT_END,
	PROTO_MSG_RESUMED,
	PROTO_MSG_HEARTBEAT,
	PROTO_MSG_RESULT,
	PROTO_MSG_ERROR
};

/* The columns every cached entity has, read out of its `data` object.
 * Strings point into the message's JSON and live as long as it does. They
 * are valid UTF-8 (jansson guarantees it) but NOT sanitised: whatever
 * draws them must go through text_sanitize()/text_fit(). */
struct proto_entity {
	enum proto_stream stream;
	const char *id;
	int64_t rev;
	int64_t time_ms;       /* alert/advisory time, ticket opened, vendor period.start, drill start */
	int64_t updated_ms;    /* ticket updated, else time_ms */
	const char *title;     /* alert/advisory/ticket title; vendor and drill name */
	const char *status;    /* alert/ticket status, drill phase; NULL otherwise */
	const char *kind;      /* alert category, advisory kind, drill kind; NULL otherwise */
	const char *inst_id;   /* institution.id; NULL where the entity has none */
	const char *inst_name; /* institution.name; NULL where none */
	const char *assignee;  /* NULL when absent or null */
	const char *ticket_id; /* alert ticket_id; NULL otherwise */
	const char *source;    /* alert source; NULL otherwise */
	int severity;          /* enum proto_sev; -1 where the entity has none */
	int tlp;               /* enum proto_tlp; -1 where the entity has none */
	int corr;              /* alert correlation.institutions; 0 when absent */
	int has_due;           /* ticket due present */
	int64_t due_ms;        /* ticket due (Unix ms) when has_due */
	json_t *data;          /* the whole entity (borrowed); NULL for a delete */
	/* The entity's JSON text exactly as it stood in the message (valid JSON,
	 * since the message parsed), pointing into the caller's buffer: storing
	 * it spares re-serialising. NULL when it could not be located (then
	 * serialise data). Only valid while that buffer is. */
	const char *data_raw;
	size_t data_raw_len;
};

struct proto_msg {
	enum proto_type type;
	json_t *root; /* owns every pointer below; freed by proto_msg_free() */

	const char *epoch; /* hello, snapshot_begin/end, resumed */
	int64_t seq;       /* event (when has_seq), snapshot_*, resumed, heartbeat */
	int has_seq;
	const char *time; /* hello, heartbeat (optional) */

	/* hello */
	int protocol;
	const char *backend;
	const char *server;
	const char *operator_name;
	int heartbeat_s;
	unsigned streams; /* bit (1u << enum proto_stream); unknown names ignored */

	/* event */
	int op_delete;
	struct proto_entity ent; /* for a delete only stream, id and rev are set */

	/* result */
	const char *action_id;
	int ok;

	/* result (when !ok) and error */
	const char *code;
	const char *message;
};

enum proto_result {
	PROTO_OK = 0,
	PROTO_INVALID = -1 /* err says why; see proto_decode() */
};

/* Decode one message of len bytes (not NUL-terminated). Returns PROTO_OK or
 * PROTO_INVALID with a one-line reason in err. Even when invalid, msg->type,
 * msg->seq/has_seq and msg->ent.id/stream are filled in where they could be
 * read, so the caller can count an invalid event's seq as applied and name
 * its id (ent.stream is PROTO_NSTREAMS when the stream could not be read). Always call proto_msg_free() afterwards, whatever the result. */
int proto_decode(const char *buf, size_t len, struct proto_msg *msg, char *err, size_t errlen);
void proto_msg_free(struct proto_msg *msg);

/* Validate an entity object of the given stream on its own (used when a
 * staged snapshot entity is read back from the cache). Fills ent, with
 * ent->data = obj (borrowed) and ent->rev = rev. */
int proto_entity_decode(enum proto_stream stream, json_t *obj, int64_t rev,
			struct proto_entity *ent, char *err, size_t errlen);

const char *proto_stream_name(enum proto_stream s);
int proto_stream_parse(const char *name); /* -1 when unknown */
const char *proto_sev_name(int sev);      /* "info".."critical"; "-" for -1 */
int proto_sev_parse(const char *name);    /* -1 when unknown */
const char *proto_tlp_name(int tlp);      /* "CLEAR".."RED"; "-" for -1 */
int proto_tlp_parse(const char *name);    /* WHITE -> CLEAR; unknown -> RED */

/* RFC 3339 UTC ("2026-11-25T08:00:00Z", optional .fraction) to Unix ms.
 * Returns 0 or -1 when s is not of that form. */
int proto_time_parse(const char *s, int64_t *ms);
/* Unix ms to "2026-11-25T08:00:00Z" (buf at least 21 bytes). */
void proto_time_format(int64_t ms, char *buf, size_t n);

/* Encoders: each returns a malloc'd NUL-terminated JSON text, or NULL on
 * allocation failure. epoch == NULL means "no cursor" (epoch and since are
 * then both absent). args may be NULL (sent as {}); it is not stolen. */
char *proto_encode_subscribe(unsigned streams, const char *epoch, int64_t since);
char *proto_encode_action(const char *action_id, const char *op, const char *target, json_t *args);

#endif
