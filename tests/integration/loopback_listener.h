// A TCP listener on 127.0.0.1 for tests whose containers connect out.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "runc_container.h"

namespace crowsnest::test {

// A TCP listener on 127.0.0.1 that accepts and at once closes every
// connection, so a client such as busybox nc sees EOF and exits; or, with
// `hold`, keeps every connection open until it is destroyed (a reverse
// shell then waits for commands) and notes each client's port.
struct LoopbackListener {
    int fd = -1;
    uint16_t port = 0;
    std::thread acceptor;
    std::mutex mu;
    std::vector<int> held;               // hold: the open connections
    std::vector<uint16_t> client_ports;  // hold: each connection's peer port
    explicit LoopbackListener(bool hold = false) {
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof(a);
        bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof(a));
        listen(fd, 64);
        getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
        port = ntohs(a.sin_port);
        acceptor = std::thread([this, hold] {
            for (;;) {
                sockaddr_in peer{};
                socklen_t peer_len = sizeof(peer);
                int c = accept(fd, reinterpret_cast<sockaddr *>(&peer), &peer_len);
                if (c >= 0 && hold) {
                    std::lock_guard<std::mutex> lock(mu);
                    held.push_back(c);
                    client_ports.push_back(ntohs(peer.sin_port));
                } else if (c >= 0) {
                    close(c);
                } else if (errno != EINTR && errno != ECONNABORTED) {
                    break;  // shut down
                }
            }
        });
    }
    // hold: whether a client connected from `client_port`
    bool had_client(uint16_t client_port) {
        std::lock_guard<std::mutex> lock(mu);
        for (uint16_t p : client_ports)
            if (p == client_port) return true;
        return false;
    }
    ~LoopbackListener() {
        shutdown(fd, SHUT_RDWR);  // wakes the blocked accept()
        acceptor.join();
        close(fd);
        for (int c : held) close(c);
    }
};

// Listening sockets on `n` consecutive loopback ports (never accepted: the
// kernel completes the handshakes), their fds in `fds`: the first port, or 0
// when some port of every range tried was taken.
inline uint16_t listen_on_range(int n, std::vector<int> &fds) {
    for (int attempt = 0; attempt < 20; attempt++) {
        const uint16_t first = (unused_loopback_port() & 0xff00) | 0x80;
        std::vector<int> bound;
        for (int i = 0; i < n; i++) {
            int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            const int one = 1;
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            a.sin_port = htons(uint16_t(first + i));
            if (bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof(a)) != 0 || listen(fd, 256) != 0) {
                close(fd);
                break;
            }
            bound.push_back(fd);
        }
        if (int(bound.size()) == n) {
            fds = std::move(bound);
            return first;
        }
        for (int fd : bound) close(fd);
    }
    return 0;
}

}  // namespace crowsnest::test
