/* Floods the sensor from one process, at full speed, for SECONDS:
 *   flood open PATH FLAGS SECONDS   open(PATH, FLAGS) + close, in a loop
 *                                   (FLAGS: r or w; failures are fine)
 *   flood connect PORT SECONDS      a refused TCP connect to 127.0.0.1:PORT
 * Prints the number of calls made. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    unsigned long calls = 0;
    if (argc == 5 && !strcmp(argv[1], "open")) {
        int flags = argv[3][0] == 'w' ? O_WRONLY : O_RDONLY;
        double end = now() + atof(argv[4]);
        while (now() < end)
            for (int i = 0; i < 1000; i++, calls++) {
                int fd = open(argv[2], flags);
                if (fd >= 0) close(fd);
            }
    } else if (argc == 4 && !strcmp(argv[1], "connect")) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        double end = now() + atof(argv[3]);
        while (now() < end)
            for (int i = 0; i < 100; i++, calls++) {
                int s = socket(AF_INET, SOCK_STREAM, 0);
                if (s < 0) return perror("socket"), 1;
                connect(s, (struct sockaddr *)&a, sizeof(a));
                close(s);
            }
    } else {
        fprintf(stderr, "usage: flood open PATH r|w SECONDS | flood connect PORT SECONDS\n");
        return 2;
    }
    printf("%lu\n", calls);
    return 0;
}
