/* The calls that reach the network or a file without connect or open:
 *   blind_spots fastopen PORT       TCP Fast Open: sendto(MSG_FASTOPEN) to 127.0.0.1:PORT
 *   blind_spots fastopen-msg PORT   the same with sendmsg
 *   blind_spots by-handle PATH      name_to_handle_at(PATH), then open_by_handle_at
 *                                   (needs CAP_DAC_READ_SEARCH), and read a byte */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

static int fastopen(int port, int use_msg) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return perror("socket"), 1;
    char data[] = "hello";
    ssize_t n;
    if (use_msg) {
        struct iovec iov = {data, sizeof(data)};
        struct msghdr m = {.msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &iov, .msg_iovlen = 1};
        n = sendmsg(s, &m, MSG_FASTOPEN);
    } else {
        n = sendto(s, data, sizeof(data), MSG_FASTOPEN, (struct sockaddr *)&a, sizeof(a));
    }
    printf("%zd\n", n);
    close(s);
    return 0;
}

static int by_handle(const char *path) {
    struct file_handle *h = malloc(sizeof(*h) + MAX_HANDLE_SZ);
    int mount_id;
    h->handle_bytes = MAX_HANDLE_SZ;
    if (name_to_handle_at(AT_FDCWD, path, h, &mount_id, 0) != 0) return perror("name_to_handle_at"), 1;
    /* any fd of the file's filesystem: its directory's */
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *(slash == dir ? slash + 1 : slash) = 0;
    int mount_fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY);
    int fd = open_by_handle_at(mount_fd, h, O_RDONLY);
    if (fd < 0) return perror("open_by_handle_at"), 1;
    char c;
    printf("%zd\n", read(fd, &c, 1));
    close(fd);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "fastopen")) return fastopen(atoi(argv[2]), 0);
    if (argc == 3 && !strcmp(argv[1], "fastopen-msg")) return fastopen(atoi(argv[2]), 1);
    if (argc == 3 && !strcmp(argv[1], "by-handle")) return by_handle(argv[2]);
    fprintf(stderr, "usage: blind_spots fastopen|fastopen-msg PORT | by-handle PATH\n");
    return 2;
}
