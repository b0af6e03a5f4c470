/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Connect records, shared by connect(2) and io_uring's connect requests:
 * the destination read from the caller's sockaddr.
 */
#ifndef CROWSNEST_LIB_CONNECT_RECORD_H
#define CROWSNEST_LIB_CONNECT_RECORD_H

#include "lib/prefilter.h"
#include "lib/socket_ends.h"

#define AF_UNIX 1

static __always_inline void read_sockaddr(struct connect_event *e, const void *uaddr)
{
	__u16 family = 0;

	bpf_probe_read_user(&family, sizeof(family), uaddr);
	e->family = family;
	if (family == AF_INET) {
		struct sockaddr_in sin = {};
		bpf_probe_read_user(&sin, sizeof(sin), uaddr);
		e->port = bpf_ntohs(sin.sin_port);
		__builtin_memcpy(e->addr, &sin.sin_addr.s_addr, 4);
	} else if (family == AF_INET6) {
		struct sockaddr_in6 sin6 = {};
		bpf_probe_read_user(&sin6, sizeof(sin6), uaddr);
		e->port = bpf_ntohs(sin6.sin6_port);
		__builtin_memcpy(e->addr, &sin6.sin6_addr, 16);
	} else if (family == AF_UNIX) {
		const char *sun_path = (const char *)uaddr + sizeof(__u16);
		long n;

		bpf_probe_read_user(e->unix_path, 1, sun_path);
		if (e->unix_path[0] == 0 && e->addrlen > sizeof(__u16) + 1) {
			/* abstract: a leading NUL, then addrlen - 3 name bytes */
			__u32 len = e->addrlen - sizeof(__u16) - 1;
			if (len > UNIX_PATH_LEN - 1)
				len = UNIX_PATH_LEN - 1;
			bpf_probe_read_user(e->unix_path, len & (UNIX_PATH_LEN - 1), sun_path + 1);
			e->unix_path_len = len;
			e->flags |= EVENT_FLAG_UNIX_ABSTRACT;
		} else {
			n = bpf_probe_read_user_str(e->unix_path, UNIX_PATH_LEN, sun_path);
			if (n > 0)
				e->unix_path_len = n - 1;
			if (n == UNIX_PATH_LEN)
				e->flags |= EVENT_FLAG_PATH_TRUNCATED;
		}
	}
}

/* Whether a loaded rule could match a connect to `uaddr` (the prefilter);
 * counted as dropped when not. Read before anything else of the connect:
 * the family, the port, and for a unix socket its path, only if a clause
 * tests it. `ret_known` is false at an io_uring submission. */
static __always_inline bool connect_may_match(const void *uaddr, long ret, bool ret_known, __u64 cgroup_id)
{
	const struct prefilter *pf = prefilter_for(EVENT_CONNECT);
	struct { __u16 family; __be16 port; } head = {}; /* sockaddr_in and _in6 begin alike */
	struct clause_scan s = {};
	struct path_buffer *buf;
	__u32 zero = 0;
	long n;

	if (!pf)
		return true;
	bpf_probe_read_user(&head, sizeof(head), uaddr);
	s.cs = &pf->connect;
	s.facts = task_facts(pf, cgroup_id);
	s.known = PREFILTER_CONTAINER | PREFILTER_HOST_PIDNS | PREFILTER_INET | PREFILTER_UNIX;
	if (head.family == AF_INET || head.family == AF_INET6)
		s.facts |= PREFILTER_INET;
	else if (head.family == AF_UNIX)
		s.facts |= PREFILTER_UNIX;
	if (ret_known) {
		s.known |= PREFILTER_FAILED;
		if (ret < 0)
			s.facts |= PREFILTER_FAILED;
	}
	scan_clauses_at_port(pf, &s, s.facts & PREFILTER_INET, bpf_ntohs(head.port));
	if (s.wanted == ~0ULL)
		return true;
	/* patterns: a unix socket's path (an abstract name is always sent) */
	if (s.wanted && head.family == AF_UNIX && (buf = bpf_map_lookup_elem(&prefilter_paths, &zero))) {
		n = bpf_probe_read_user_str(buf->data, UNIX_PATH_LEN, (const char *)uaddr + sizeof(__u16));
		if (n <= 1 || path_matches(pf, buf->data, n - 1, n == UNIX_PATH_LEN ? EVENT_FLAG_PATH_TRUNCATED : 0,
					   s.wanted))
			return true;
	} else if (s.wanted) {
		return true;
	}
	count_prefiltered(EVENT_CONNECT);
	return false;
}

/* The fields of a connect record other than its result. */
static __always_inline void fill_connect(struct connect_event *e, __u16 syscall, __s32 fd, const void *uaddr,
					 __u32 addrlen, struct origin o)
{
	fill_header(&e->hdr, EVENT_CONNECT, sizeof(*e), o);
	e->syscall = syscall;
	e->protocol = 0;
	e->lport = 0;
	e->reserved = 0;
	e->fd = fd;
	e->addrlen = addrlen;
	e->family = 0;
	e->port = 0;
	e->flags = 0;
	e->unix_path_len = 0;
	__builtin_memset(e->addr, 0, sizeof(e->addr));
	e->unix_path[0] = 0;
	read_sockaddr(e, uaddr);
}

/* A connect record straight into the ring: the destination `uaddr`, the
 * result `ret`. */
static __always_inline void send_connect(__u16 syscall, __s32 fd, const void *uaddr, __u32 addrlen, long ret)
{
	struct socket_ends ends = {};
	struct connect_event *e;
	struct origin o;

	if (is_self())
		return;
	o.cgroup_id = bpf_get_current_cgroup_id();
	if (!connect_may_match(uaddr, ret, true, o.cgroup_id))
		return;
	o.now = bpf_ktime_get_boot_ns(); /* only for what is sent */
	if (!admit(EVENT_CONNECT, sizeof(*e), o))
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_ringbuf_full(EVENT_CONNECT);
		return;
	}
	fill_connect(e, syscall, fd, uaddr, addrlen, o);
	e->ret = ret;
	/* the socket's protocol and the local port the call gave it (a connect
	 * binds an unbound socket), read once it returned */
	if (read_socket_ends(&ends, fd)) {
		e->protocol = ends.protocol;
		e->lport = ends.lport;
		e->flags |= EVENT_FLAG_SOCKET;
	}
	bpf_ringbuf_submit(e, batched_wakeup(sizeof(*e)));
}

#endif /* CROWSNEST_LIB_CONNECT_RECORD_H */
