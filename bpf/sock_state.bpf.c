// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * How TCP connect attempts end, blocking or not: a non-blocking connect
 * returns EINPROGRESS, and only the socket's next state says whether the
 * peer answered. From sock:inet_sock_set_state: SYN_SENT (in the connect
 * call, the connecting task's context) stores its header; ESTABLISHED or
 * CLOSE after it (often in softirq, where the current task is any task)
 * sends a connect_result_event with that header.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include "lib/prefilter.h"

#define IPPROTO_TCP 6
#define AF_INET	    2
#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT	2
#define TCP_CLOSE	7

/* Admitted like a connect: the cgroup's token bucket, charged here, in the
 * connector's context (what it refuses is counted as a flood). */
static __always_inline void connect_started(__u64 sk)
{
	struct event_header h;
	struct origin o;

	if (is_self())
		return;
	/* no rule reads outcomes: while the prefilter is in force (and no
	 * consumer of every event holds it open), none is sent */
	if (prefilter_for(EVENT_CONNECT_RESULT)) {
		count_prefiltered(EVENT_CONNECT_RESULT);
		return;
	}
	o = current_origin();
	if (!flood_bucket_take(EVENT_CONNECT_RESULT, o))
		return;
	fill_header(&h, EVENT_CONNECT_RESULT, sizeof(struct connect_result_event), o);
	bpf_map_update_elem(&connect_pending, &sk, &h, BPF_ANY);
}

static __always_inline void connect_ended(struct trace_event_raw_inet_sock_set_state *ctx, __u64 sk)
{
	struct event_header *h = bpf_map_lookup_elem(&connect_pending, &sk);
	struct connect_result_event e = {};
	int err;

	if (!h)
		return;
	e.hdr = *h;
	bpf_map_delete_elem(&connect_pending, &sk);
	if (ring_reserved(EVENT_CONNECT_RESULT, sizeof(e)))
		return;
	e.connect_boot_ns = e.hdr.ts_boot_ns;
	e.hdr.ts_boot_ns = bpf_ktime_get_boot_ns();
	/* the error the stack set before closing: ECONNREFUSED for a reset,
	 * ETIMEDOUT, an ICMP error; none when the owner closed it first */
	err = BPF_CORE_READ((struct sock *)sk, sk_err);
	if (ctx->newstate == TCP_ESTABLISHED)
		e.outcome = CONNECT_OUTCOME_ESTABLISHED;
	else
		e.outcome = err ? CONNECT_OUTCOME_FAILED : CONNECT_OUTCOME_ABANDONED;
	e.ret = e.outcome == CONNECT_OUTCOME_FAILED ? -err : 0;
	e.ends.family = ctx->family;
	e.ends.protocol = ctx->protocol;
	e.ends.lport = ctx->sport;
	e.ends.rport = ctx->dport;
	/* through a helper: clang addresses the arrays by a moved ctx pointer,
	 * which the verifier does not let a load use */
	if (ctx->family == AF_INET) {
		bpf_probe_read_kernel(e.ends.laddr, 4, ctx->saddr);
		bpf_probe_read_kernel(e.ends.raddr, 4, ctx->daddr);
	} else {
		bpf_probe_read_kernel(e.ends.laddr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(e.ends.raddr, 16, ctx->daddr_v6);
	}
	send(&e, sizeof(e), batched_wakeup(sizeof(e)));
}

SEC("tracepoint/sock/inet_sock_set_state")
int handle_inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr;

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (ctx->newstate == TCP_SYN_SENT)
		connect_started(sk);
	else if (ctx->oldstate == TCP_SYN_SENT)
		connect_ended(ctx, sk);
	return 0;
}
