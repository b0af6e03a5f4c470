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

#define ECONNABORTED 103

/* What the prefilter knows of an attempt when it starts: the task's facts
 * and the port. */
#define KNOWN_AT_START (PREFILTER_CONTAINER | PREFILTER_HOST_PIDNS | PREFILTER_INET | PREFILTER_UNIX)

/* Whether a clause of the connect_result prefilter holds; with `known`
 * lacking PREFILTER_FAILED, whether one may hold once the outcome is known. */
static __always_inline bool outcome_may_match(const struct prefilter *pf, __u32 facts, __u32 known, __u16 port)
{
	struct clause_scan s = { .cs = &pf->connect_result, .facts = facts, .known = known };

	scan_clauses_at_port(pf, &s, true, port);
	return s.holding != 0;
}

/* Admitted like a connect: the prefilter first (no rule may want any
 * outcome of it), then the cgroup's token bucket, charged here, in the
 * connector's context (what it refuses is counted as a flood). */
static __always_inline void connect_started(struct trace_event_raw_inet_sock_set_state *ctx, __u64 sk)
{
	const struct prefilter *pf = prefilter_for(EVENT_CONNECT_RESULT);
	struct pending_connect p = {};
	struct origin o;

	if (is_self())
		return;
	o = current_origin();
	if (pf) {
		p.facts = task_facts(pf, o.cgroup_id) | PREFILTER_INET;
		p.tested = 1;
		if (!outcome_may_match(pf, p.facts, KNOWN_AT_START, ctx->dport)) {
			count_prefiltered(EVENT_CONNECT_RESULT);
			return;
		}
	}
	if (!flood_bucket_take(EVENT_CONNECT_RESULT, o))
		return;
	fill_header(&p.hdr, EVENT_CONNECT_RESULT, sizeof(struct connect_result_event), o);
	bpf_map_update_elem(&connect_pending, &sk, &p, BPF_ANY);
}

/* The outcome's own test: what no rule wants (for the shipped rules, a
 * connection made) is dropped here. An attempt that started while every
 * event was wanted has no facts, and is sent. */
static __always_inline bool outcome_wanted(const struct pending_connect *p, __u8 outcome, __u16 port)
{
	const struct prefilter *pf = prefilter_for(EVENT_CONNECT_RESULT);
	__u32 facts = p->facts;

	if (!pf || !p->tested)
		return true;
	if (outcome != CONNECT_OUTCOME_ESTABLISHED)
		facts |= PREFILTER_FAILED;
	if (outcome_may_match(pf, facts, KNOWN_AT_START | PREFILTER_FAILED, port))
		return true;
	count_prefiltered(EVENT_CONNECT_RESULT);
	return false;
}

static __always_inline void connect_ended(struct trace_event_raw_inet_sock_set_state *ctx, __u64 sk)
{
	struct pending_connect *p = bpf_map_lookup_elem(&connect_pending, &sk);
	struct connect_result_event e = {};
	__u8 outcome;
	int err;

	if (!p)
		return;
	/* the error the stack set before closing: ECONNREFUSED for a reset,
	 * ETIMEDOUT, an ICMP error; none when the owner closed it first */
	err = BPF_CORE_READ((struct sock *)sk, sk_err);
	if (ctx->newstate == TCP_ESTABLISHED)
		outcome = CONNECT_OUTCOME_ESTABLISHED;
	else
		outcome = err ? CONNECT_OUTCOME_FAILED : CONNECT_OUTCOME_ABANDONED;
	if (!outcome_wanted(p, outcome, ctx->dport)) {
		bpf_map_delete_elem(&connect_pending, &sk);
		return;
	}
	e.hdr = p->hdr;
	bpf_map_delete_elem(&connect_pending, &sk);
	if (ring_reserved(EVENT_CONNECT_RESULT, sizeof(e)))
		return;
	e.connect_boot_ns = e.hdr.ts_boot_ns;
	e.hdr.ts_boot_ns = bpf_ktime_get_boot_ns();
	e.outcome = outcome;
	e.ret = outcome == CONNECT_OUTCOME_FAILED ? -err : outcome == CONNECT_OUTCOME_ABANDONED ? -ECONNABORTED : 0;
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
		connect_started(ctx, sk);
	else if (ctx->oldstate == TCP_SYN_SENT)
		connect_ended(ctx, sk);
	return 0;
}
