/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Connect records, shared by connect(2) and io_uring's connect requests:
 * the destination read from the caller's sockaddr.
 */
#ifndef CROWSNEST_LIB_CONNECT_RECORD_H
#define CROWSNEST_LIB_CONNECT_RECORD_H

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
	o = current_origin();
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
