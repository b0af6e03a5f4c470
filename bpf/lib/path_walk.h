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

/* Walking up a file's directories, one component per bpf_loop step,
 * writing components leaf first, each NUL-terminated, into a record's
 * data[] from `off` on: to the task's root (a relative path's base), or to
 * the filesystem's root (an opened file's own path). */
struct base_walk {
	char *data;                 /* the record's data[] */
	__u64 dentry, mnt;          /* where the walk is: struct dentry *, struct mount * */
	__u64 root_dentry, root_mnt; /* the task's root: struct dentry *, struct vfsmount * */
	__u32 off;                  /* next free byte of data */
	bool complete;
};

/* A base directory of BASE_LEN bytes holds at most this many components
 * (one-character names): deeper ones are cut, and flagged. */
#define BASE_MAX_DEPTH (BASE_LEN / 2)

/* Appends d's name at w->off, when a whole name fits below `end` (a
 * constant, so that the verifier can bound the write). */
static __always_inline bool append_name(struct base_walk *w, struct dentry *d, const __u32 end)
{
	__u32 off = w->off;
	long n;

	if (off > end - BASE_NAME_LEN)
		return false;
	n = bpf_probe_read_kernel_str(&w->data[off], BASE_NAME_LEN, d->d_name.name);
	if (n <= 0)
		return false;
	w->off = off + n;
	return true;
}

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

/* One step up towards the task's root, a bpf_loop callback. Records keep
 * the path and its base in a data[] of PATH_LEN + BASE_LEN bytes at least
 * (exec_start, open_event). */
static long walk_base(__u32 i, void *ctx)
{
	struct base_walk *w = ctx;
	struct dentry *d = kernel_ptr(struct dentry, (void *)w->dentry);
	struct mount *mnt = kernel_ptr(struct mount, (void *)w->mnt);

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
	if (!append_name(w, d, PATH_LEN + BASE_LEN))
		return 1;
	if ((__u64)d->d_parent == w->dentry) {
		w->complete = true; /* a filesystem's root, not mounted anywhere */
		return 1;
	}
	w->dentry = (__u64)d->d_parent;
	return 0;
}

/* Appends to data, from `off`, the directory a relative path starts from
 * (leaf first, as above). Returns the new end; sets the flag when the base
 * could not be read whole (too deep, too long, or a bad dirfd). */
static __always_inline __u32 read_base_dir(char *data, __u32 off, __s32 dirfd, __u16 *flags)
{
	struct base_walk w = { .data = data, .off = off };

	if (start_base_walk(&w, dirfd))
		bpf_loop(BASE_MAX_DEPTH, walk_base, &w, 0);
	if (!w.complete)
		*flags |= EVENT_FLAG_BASE_INCOMPLETE;
	if (w.off > PATH_LEN + BASE_LEN)
		w.off = PATH_LEN + BASE_LEN;
	return w.off;
}

/* One step up towards the filesystem's root, crossing no mount: the file's
 * path as its filesystem has it, whichever mount, bind or chroot reached it.
 * A bpf_loop callback, for open_event's data[]. */
static long walk_fs(__u32 i, void *ctx)
{
	struct base_walk *w = ctx;
	struct dentry *d = kernel_ptr(struct dentry, (void *)w->dentry);

	if ((__u64)d->d_parent == w->dentry) {
		w->complete = true; /* the superblock's root */
		return 1;
	}
	if (!append_name(w, d, PATH_LEN + BASE_LEN + FS_PATH_LEN))
		return 1;
	w->dentry = (__u64)d->d_parent;
	return 0;
}

/* Appends to data, from *off, the path of dentry d within its filesystem
 * (leaf first, as above; nothing for its root) and moves *off past it.
 * False when the path could not be read whole (too deep or too long). */
static __always_inline bool read_fs_path(char *data, __u32 *off, struct dentry *d)
{
	struct base_walk w = { .data = data, .off = *off, .dentry = (__u64)d };

	bpf_loop(FS_PATH_LEN / 2, walk_fs, &w, 0);
	if (w.complete)
		*off = w.off;
	return w.complete;
}

#endif /* CROWSNEST_LIB_PATH_WALK_H */
