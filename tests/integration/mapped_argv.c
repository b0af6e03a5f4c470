/* Runs PROGRAM with arguments that sit in a file mapping no one has touched:
 * their pages are not resident when execve reads them, which a probe at the
 * syscall's entry cannot fault in (an evasion of argv-reading sensors).
 *   mapped_argv SCRATCH_FILE PROGRAM ARG...
 * The arguments (PROGRAM first, as argv[0]) are written to SCRATCH_FILE,
 * mapped fresh, and handed to execve from the mapping. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: mapped_argv SCRATCH_FILE PROGRAM ARG...\n");
        return 2;
    }
    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return perror("open"), 1;
    size_t len = 0;
    for (int i = 2; i < argc; i++) {
        size_t n = strlen(argv[i]) + 1;
        if (write(fd, argv[i], n) != (ssize_t)n) return perror("write"), 1;
        len += n;
    }
    /* drop the written pages from the page cache: the mapping starts cold */
    fsync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    char *area = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (area == MAP_FAILED) return perror("mmap"), 1;
    madvise(area, len, MADV_DONTNEED);
    char *args[256];
    int n = 0;
    for (size_t off = 0; off < len && n < 255;) {  /* pointers only: no byte of the area is read */
        args[n++] = area + off;
        off += strlen(argv[2 + n - 1]) + 1;
    }
    args[n] = NULL;
    char *env[] = {NULL};
    execve(argv[2], args, env);
    perror("execve");
    return 1;
}
