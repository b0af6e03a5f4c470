/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Accept records, shared by accept(2)/accept4(2) and io_uring's accept
 * requests: the new connection's ends, sent for a listening socket's first
 * ACCEPTS_PER_WINDOW accepts of each window.
 */
#ifndef CROWSNEST_LIB_ACCEPT_RECORD_H
#define CROWSNEST_LIB_ACCEPT_RECORD_H

#include "lib/prefilter.h"
#include "lib/socket_ends.h"
#include "lib/syscall_record.h"

/* Whether this accept on `listener` is among the first ACCEPTS_PER_WINDOW
 * of its window; counted if so. Two CPUs may both take the last one: the
 * bound is what matters, not its exactness. */
static __always_inline bool accept_in_window(struct file *listener)
{
	__u64 key = listener->f_inode->i_ino, now = bpf_ktime_get_boot_ns();
	struct accept_window *w = bpf_map_lookup_elem(&accept_windows, &key);
	struct accept_window fresh = { .start = now, .sent = 1 };

	if (!w) {
		bpf_map_update_elem(&accept_windows, &key, &fresh, BPF_ANY);
		return true;
	}
	if (now - w->start > ACCEPT_WINDOW_NS) {
		w->start = now;
		w->sent = 0;
	}
	if (w->sent >= ACCEPTS_PER_WINDOW)
		return false;
	__sync_fetch_and_add(&w->sent, 1);
	return true;
}

/* An inbound inet connection, the new fd `ret` taken from `listener` (fd
 * `fd`, -1 when the call had none): the new socket's ends. Unix sockets are
 * left out (every local daemon accepts them all day; a runtime socket's
 * client is seen at its connect), and so are accepts that failed (EAGAIN of
 * a non-blocking listener). A listener already closed by another thread
 * has no window: its accept is sent. */
static __always_inline void send_accept(__u16 id, long ret, __s32 fd, struct file *listener, __s32 flags)
{
	struct socket_ends ends = {};

	if (ret < 0 || is_self() || !read_socket_ends(&ends, (int)ret))
		return;
	if (ends.family != AF_INET && ends.family != AF_INET6)
		return;
	if (listener && !accept_in_window(listener)) {
		count_prefiltered(EVENT_SYSCALL);
		return;
	}
	send_socket_call(id, ret, fd, flags, 0, &ends);
}

#endif /* CROWSNEST_LIB_ACCEPT_RECORD_H */
