/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The two ends and the protocol of the socket behind a file descriptor,
 * from the kernel's struct sock: what Falco's fd.* fields describe (dup and
 * socket records, and a connect's local end and protocol).
 */
#ifndef CROWSNEST_LIB_SOCKET_ENDS_H
#define CROWSNEST_LIB_SOCKET_ENDS_H

#include <bpf/bpf_endian.h>
#include "lib/path_walk.h"

#define S_IFMT	 0170000
#define S_IFSOCK 0140000
#define AF_INET	 2
#define AF_INET6 10

/* The ends of the socket that `file` is (its inode must be a socket's). */
static __always_inline void read_file_socket_ends(struct socket_ends *s, struct file *file)
{
	struct sock *sk = kernel_ptr(struct sock, kernel_ptr(struct socket, file->private_data)->sk);
	struct sock_common *c = &sk->__sk_common;

	s->family = c->skc_family;
	s->protocol = sk->sk_protocol;
	s->lport = c->skc_num;
	s->rport = bpf_ntohs(c->skc_dport);
	if (s->family == AF_INET) {
		bpf_probe_read_kernel(s->laddr, 4, &c->skc_rcv_saddr);
		bpf_probe_read_kernel(s->raddr, 4, &c->skc_daddr);
	} else if (s->family == AF_INET6) {
		bpf_probe_read_kernel(s->laddr, 16, &c->skc_v6_rcv_saddr);
		bpf_probe_read_kernel(s->raddr, 16, &c->skc_v6_daddr);
	}
}

/* The ends of the socket that `fd` is; false (nothing read) when it is not one. */
static __always_inline bool read_socket_ends(struct socket_ends *s, int fd)
{
	struct file *file = current_file(fd);

	if (!file || (file->f_inode->i_mode & S_IFMT) != S_IFSOCK)
		return false;
	read_file_socket_ends(s, file);
	return true;
}

#endif /* CROWSNEST_LIB_SOCKET_ENDS_H */
