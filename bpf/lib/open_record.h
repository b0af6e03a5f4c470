/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Open records, shared by the open system calls and io_uring's open
 * requests: built in the per-CPU open_scratch, completed with the result
 * and the identity of the file reached, then only the used bytes are sent.
 */
#ifndef CROWSNEST_LIB_OPEN_RECORD_H
#define CROWSNEST_LIB_OPEN_RECORD_H

#include "lib/path_walk.h"

/* Records which file a successful open really reached: device, inode, parent
 * directory inode and mount id, read from the new fd's struct file. */
static __always_inline void read_file_identity(struct open_event *e, int fd)
{
	struct file *file = current_file(fd);
	struct dentry *dentry;
	struct mount *mnt;

	if (!file)
		return;
	dentry = file->f_path.dentry;
	mnt = kernel_ptr(struct mount, container_of(file->f_path.mnt, struct mount, mnt));
	e->ino = file->f_inode->i_ino;
	e->dev = file->f_inode->i_sb->s_dev;
	e->parent_ino = dentry->d_parent->d_inode->i_ino;
	e->mnt_id = mnt->mnt_id;
	e->flags |= EVENT_FLAG_FILE_IDENTITY;
}

/* The per-CPU scratch record with every field but the path, its base
 * directory, the result and the file identity set; nullptr when the rate
 * limit or the ring's reserve refuses the event (counted). */
static __always_inline struct open_event *start_open(__u16 syscall, __s32 dirfd, __u32 flags, __u32 mode,
						     struct origin o)
{
	__u32 zero = 0;
	struct open_event *e;

	if (!admit(EVENT_OPEN, offsetof(struct open_event, data), o))
		return 0;
	e = bpf_map_lookup_elem(&open_scratch, &zero);
	if (!e)
		return 0;
	fill_header(&e->hdr, EVENT_OPEN, sizeof(*e), o);
	e->ret = 0;
	e->dirfd = dirfd;
	e->open_flags = flags;
	e->mode = mode;
	e->syscall = syscall;
	e->flags = 0;
	e->dev = 0;
	e->mnt_id = 0;
	e->ino = 0;
	e->parent_ino = 0;
	e->base_len = 0;
	e->reserved = 0;
	return e;
}

/* After the path: the base directory of a relative path. */
static __always_inline void finish_open_path(struct open_event *e)
{
	if (e->path_len > 0 && e->data[0] != '/')
		e->base_len = read_base_dir(e->data, e->path_len, e->dirfd, &e->flags) - e->path_len;
}

/* Sets the result, reads the new fd's identity (a fixed-file open returns
 * no fd of the process), sends the used bytes. */
static __always_inline void send_open(struct open_event *e, long ret)
{
	__u32 size;

	e->ret = ret;
	if (ret >= 0 && !(e->flags & EVENT_FLAG_FIXED_FILE))
		read_file_identity(e, (int)ret);
	size = offsetof(struct open_event, data) + e->path_len + e->base_len;
	if (size > sizeof(*e))
		size = sizeof(*e);
	e->hdr.size = size;
	send(e, size, batched_wakeup(size));
}

#endif /* CROWSNEST_LIB_OPEN_RECORD_H */
