/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The directory a relative path starts from (the working directory, or a
 * dirfd's), read from the kernel's dentries up to the task's root.
 */
#ifndef CROWSNEST_LIB_PATH_WALK_H
#define CROWSNEST_LIB_PATH_WALK_H

#include "lib/record.h"

#define AT_FDCWD -100

/* The current task's open file `fd`, or NULL. */
static __always_inline struct file *current_file(int fd)
{
	struct fdtable *fdt = bpf_get_current_task_btf()->files->fdt;
	struct file **fds = fdt->fd;
	struct file *file = 0;

	if (fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return 0;
	/* fds[] is indexed by a runtime value: read that slot with a helper */
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return 0;
	return kernel_ptr(struct file, file);
}

/* Walking up from the directory a relative path starts from, one component
 * per bpf_loop step, until the task's root. Components are written leaf
 * first, each NUL-terminated, into a record's data[] from `off` on. */
struct base_walk {
	char *data;                 /* the record's data[] */
	__u64 dentry, mnt;          /* where the walk is: struct dentry *, struct mount * */
	__u64 root_dentry, root_mnt; /* the task's root: struct dentry *, struct vfsmount * */
	__u32 off;                  /* next free byte of data */
	bool complete;
};

#define BASE_MAX_DEPTH 64

/* Starts at the working directory (AT_FDCWD) or at dirfd's directory.
 * False when dirfd is no open file. */
static __always_inline bool start_base_walk(struct base_walk *w, __s32 dirfd)
{
	struct fs_struct *fs = bpf_get_current_task_btf()->fs;

	if (dirfd == AT_FDCWD) {
		w->dentry = (__u64)fs->pwd.dentry;
		w->mnt = (__u64)container_of(fs->pwd.mnt, struct mount, mnt);
	} else {
		struct file *file = current_file(dirfd);

		if (!file)
			return false;
		w->dentry = (__u64)file->f_path.dentry;
		w->mnt = (__u64)container_of(file->f_path.mnt, struct mount, mnt);
	}
	w->root_dentry = (__u64)fs->root.dentry;
	w->root_mnt = (__u64)fs->root.mnt;
	return true;
}

/* One step up, the body of a bpf_loop callback; data_len is the size of the
 * record's data[] (a constant in each caller, so the verifier can bound it). */
static __always_inline long walk_step(struct base_walk *w, const __u32 data_len)
{
	struct dentry *d = kernel_ptr(struct dentry, (void *)w->dentry);
	struct mount *mnt = kernel_ptr(struct mount, (void *)w->mnt);
	__u32 off = w->off;
	long n;

	if (w->dentry == w->root_dentry && (__u64)&mnt->mnt == w->root_mnt) {
		w->complete = true;
		return 1;
	}
	if (d == mnt->mnt.mnt_root) {
		/* the top of a mount: go on from the directory it is mounted on */
		if (mnt->mnt_parent == mnt) {
			w->complete = true; /* the namespace's root */
			return 1;
		}
		w->dentry = (__u64)mnt->mnt_mountpoint;
		w->mnt = (__u64)mnt->mnt_parent;
		return 0;
	}
	if (off > data_len - BASE_NAME_LEN)
		return 1;
	n = bpf_probe_read_kernel_str(&w->data[off], BASE_NAME_LEN, d->d_name.name);
	if (n <= 0)
		return 1;
	w->off = off + n;
	if ((__u64)d->d_parent == w->dentry) {
		w->complete = true; /* a filesystem's root, not mounted anywhere */
		return 1;
	}
	w->dentry = (__u64)d->d_parent;
	return 0;
}

#endif /* CROWSNEST_LIB_PATH_WALK_H */
