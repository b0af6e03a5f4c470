#include "outputs/syslog_sink.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "outputs/syslog_message.h"

namespace crowsnest {
namespace {

// Datagrams larger than this are cut: a collector drops what it cannot take whole.
constexpr size_t kMaxDatagram = 60000;
constexpr int kConnectTimeoutMs = 2000;
constexpr timeval kSendTimeout{5, 0};

std::string errno_text(const char *what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

SyslogSink::SyslogSink(SyslogTarget target) : target_(std::move(target)), pid_(int(getpid())) {}

SyslogSink::~SyslogSink() { disconnect(); }

void SyslogSink::disconnect() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
}

bool SyslogSink::connect_target(std::string &error) {
    if (target_.kind == SyslogTarget::Kind::Unix) {
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strncpy(a.sun_path, target_.path.c_str(), sizeof(a.sun_path) - 1);
        if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr *>(&a), sizeof(a)) != 0) {
            error = errno_text(("connect to " + target_.path).c_str());
            disconnect();
            return false;
        }
        setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &kSendTimeout, sizeof(kSendTimeout));
        return true;
    }
    const bool tcp = target_.kind == SyslogTarget::Kind::Tcp;
    addrinfo hints{};
    hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
    addrinfo *found = nullptr;
    if (const int rc = getaddrinfo(target_.host.c_str(), std::to_string(target_.port).c_str(), &hints, &found)) {
        error = "resolve " + target_.host + ": " + gai_strerror(rc);
        return false;
    }
    error = "no address for " + target_.host;
    for (addrinfo *ai = found; ai && fd_ < 0; ai = ai->ai_next) {
        fd_ = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd_ < 0) continue;
        // a collector that does not answer must not hold the output for long
        int rc = connect(fd_, ai->ai_addr, ai->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            pollfd p{fd_, POLLOUT, 0};
            int soerr = ETIMEDOUT;
            socklen_t len = sizeof(soerr);
            if (poll(&p, 1, kConnectTimeoutMs) == 1) getsockopt(fd_, SOL_SOCKET, SO_ERROR, &soerr, &len);
            errno = soerr;
            rc = soerr ? -1 : 0;
        }
        if (rc != 0) {
            error = errno_text(("connect to " + target_.host + ":" + std::to_string(target_.port)).c_str());
            disconnect();
        }
    }
    freeaddrinfo(found);
    if (fd_ < 0) return false;
    // blocking from now on, bounded by the send timeout
    if (fcntl(fd_, F_SETFL, 0) != 0) {
        error = errno_text("fcntl");
        disconnect();
        return false;
    }
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &kSendTimeout, sizeof(kSendTimeout));
    return true;
}

bool SyslogSink::send_one(const std::string &message, std::string &error) {
    if (fd_ < 0 && !connect_target(error)) return false;
    std::string wire;
    if (target_.kind == SyslogTarget::Kind::Tcp) {
        wire = std::to_string(message.size()) + " " + message;  // RFC 6587 octet counting
    } else {
        wire = message.substr(0, kMaxDatagram);
    }
    size_t done = 0;
    while (done < wire.size()) {
        const ssize_t n = send(fd_, wire.data() + done, wire.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            error = errno_text("send");
            disconnect();
            // a partly sent frame cannot be taken back: the stream is cut, and the next message opens a new one
            return false;
        }
        done += size_t(n);
    }
    return true;
}

void SyslogSink::deliver(const std::vector<const Published<v1::Verdict> *> &batch, Delivery &out) {
    for (const auto *v : batch) {
        const std::string message = syslog_message(v->message(), pid_);
        std::string error;
        // a collector restarted since the last message: once more on a new connection
        if (send_one(message, error) || send_one(message, error)) {
            out.sent++;
        } else {
            out.failed++;
            out.error = error;
        }
    }
}

}  // namespace crowsnest
