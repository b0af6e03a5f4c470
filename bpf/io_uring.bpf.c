// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * io_uring: IORING_OP_OPENAT(2), IORING_OP_CONNECT and IORING_OP_ACCEPT
 * make no open, connect or accept system call, a known way around syscall
 * sensors. An open or connect request is read when it is submitted (in the
 * submitter's context, after its prep copied the path), kept until it
 * completes, then sent as an open or connect record with its result. An
 * accept is read when it completes: the new fd is in the submitter's table
 * then (the request runs in the submitter's task work or one of its io-wq
 * threads, which share that table).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "lib/accept_record.h"
#include "lib/connect_record.h"
#include "lib/open_record.h"

#define IORING_OP_ACCEPT 13
#define IORING_OP_CONNECT 16
#define IORING_OP_OPENAT 18
#define IORING_OP_OPENAT2 28

static __always_inline void submit_connect(__u64 req, struct io_kiocb *kiocb)
{
	/* the request's command data is its first member */
	struct io_connect *c = kernel_ptr(struct io_connect, kiocb);
	__u32 zero = 0;
	struct connect_event *e;
	struct origin o = current_origin();

	if (!connect_may_match(c->addr, 0, false, o.cgroup_id) || !admit(EVENT_CONNECT, sizeof(*e), o))
		return;
	e = bpf_map_lookup_elem(&connect_scratch, &zero);
	if (!e)
		return;
	fill_connect(e, CONNECT_SYSCALL_IO_URING, -1, c->addr, c->addr_len, o);
	if (bpf_map_update_elem(&uring_connect_inflight, &req, e, BPF_ANY))
		count_inflight_full();
}

/* Judged by the prefilter at submission, before the result is known. */
static __always_inline void submit_open(__u64 req, struct io_kiocb *kiocb, __u8 op)
{
	struct io_open *o = kernel_ptr(struct io_open, kiocb);
	const struct prefilter *pf = prefilter_for(EVENT_OPEN);
	__u64 cgroup_id = bpf_get_current_cgroup_id();
	struct open_event *e = open_record(op == IORING_OP_OPENAT ? OPEN_SYSCALL_IO_URING_OPENAT
								 : OPEN_SYSCALL_IO_URING_OPENAT2,
					   o->dfd, (__u32)o->how.flags, (__u32)o->how.mode);
	__u64 wanted;
	long n;

	if (!e)
		return;
	wanted = open_patterns_wanted(pf, e, 0, false, cgroup_id);
	if (!wanted)
		return;
	n = bpf_probe_read_kernel_str(e->data, PATH_LEN, o->filename->name);
	e->path_len = n > 0 ? n - 1 : 0;
	if (n == PATH_LEN)
		e->flags |= EVENT_FLAG_PATH_TRUNCATED;
	if (!open_path_may_match(pf, e, wanted) || !start_open(e, cgroup_id))
		return;
	finish_open_path(e);
	if (o->file_slot != 0)
		e->flags |= EVENT_FLAG_FIXED_FILE;
	if (bpf_map_update_elem(&uring_open_inflight, &req, e, BPF_ANY))
		count_inflight_full();
}

SEC("tracepoint/io_uring/io_uring_submit_req")
int handle_uring_submit(struct trace_event_raw_io_uring_submit_req *ctx)
{
	__u8 op = ctx->opcode;

	if ((op != IORING_OP_OPENAT && op != IORING_OP_OPENAT2 && op != IORING_OP_CONNECT) || is_self())
		return 0;
	if (op == IORING_OP_CONNECT)
		submit_connect((__u64)ctx->req, ctx->req);
	else
		submit_open((__u64)ctx->req, ctx->req, op);
	return 0;
}

/* A completed accept: the new connection's fd is `res`. A direct accept
 * (into a fixed-file slot) has no fd to read the connection from: not sent. */
static __always_inline void complete_accept(struct io_kiocb *kiocb, long res)
{
	struct io_accept *a = kernel_ptr(struct io_accept, kiocb);

	if (a->file_slot == 0)
		send_accept(SYSCALL_IO_URING_ACCEPT, res, -1, kernel_ptr(struct file, a->file), a->flags);
}

SEC("tracepoint/io_uring/io_uring_complete")
int handle_uring_complete(struct trace_event_raw_io_uring_complete *ctx)
{
	__u64 req = (__u64)ctx->req;
	struct open_event *o = bpf_map_lookup_elem(&uring_open_inflight, &req);
	struct connect_event *c;

	if (o) {
		send_open(o, ctx->res);
		bpf_map_delete_elem(&uring_open_inflight, &req);
		return 0;
	}
	c = bpf_map_lookup_elem(&uring_connect_inflight, &req);
	if (c) {
		c->ret = ctx->res;
		send(c, sizeof(*c), batched_wakeup(sizeof(*c)));
		bpf_map_delete_elem(&uring_connect_inflight, &req);
		return 0;
	}
	if (ctx->res >= 0 && kernel_ptr(struct io_kiocb, ctx->req)->opcode == IORING_OP_ACCEPT)
		complete_accept(kernel_ptr(struct io_kiocb, ctx->req), ctx->res);
	return 0;
}
