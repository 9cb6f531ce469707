/* fuzz/fuzz_proto.c - libFuzzer harness for the protocol decoder: any bytes
 * a backend could send as one websocket text message. proto_decode() must
 * never crash, leak or read out of bounds, and must always fill err when it
 * says a message is invalid. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "client/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_msg msg;
	char err[256];
	err[0] = '\0';
	memset(&msg, 0, sizeof msg);
	int rc = proto_decode((const char *)data, size, &msg, err, sizeof err);
	if (rc != PROTO_OK && !err[0])
		__builtin_trap(); /* an invalid message always says why */
	if (rc == PROTO_OK && msg.type == PROTO_MSG_EVENT && !msg.op_delete && msg.ent.data_raw &&
	    msg.ent.data_raw + msg.ent.data_raw_len > (const char *)data + size)
		__builtin_trap(); /* the raw entity text must lie inside the message */
	proto_msg_free(&msg);
	return 0;
}
