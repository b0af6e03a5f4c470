// A TCP listener on 127.0.0.1 for tests whose containers connect out.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <thread>

namespace crowsnest::test {

// A TCP listener on 127.0.0.1 that accepts and at once closes every
// connection, so a client such as busybox nc sees EOF and exits.
struct LoopbackListener {
    int fd = -1;
    uint16_t port = 0;
    std::thread acceptor;
    LoopbackListener() {
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof(a);
        bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof(a));
        listen(fd, 64);
        getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
        port = ntohs(a.sin_port);
        acceptor = std::thread([this] {
            for (;;) {
                int c = accept(fd, nullptr, nullptr);
                if (c >= 0) close(c);
                else if (errno != EINTR && errno != ECONNABORTED) break;  // shut down
            }
        });
    }
    ~LoopbackListener() {
        shutdown(fd, SHUT_RDWR);  // wakes the blocked accept()
        acceptor.join();
        close(fd);
    }
};

}  // namespace crowsnest::test
