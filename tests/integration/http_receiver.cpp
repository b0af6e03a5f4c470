#include "http_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace crowsnest::test {
namespace {

std::string lower(std::string s) {
    for (auto &c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool send_all(int fd, const std::string &data) {
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return false;
        done += size_t(n);
    }
    return true;
}

const char *reason(int status) {
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

}  // namespace

HttpReceiver::HttpReceiver(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (bind(listen_fd_, reinterpret_cast<sockaddr *>(&a), sizeof(a)) == 0 && listen(listen_fd_, 64) == 0 &&
        getsockname(listen_fd_, reinterpret_cast<sockaddr *>(&a), &len) == 0)
        port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

HttpReceiver::~HttpReceiver() {
    stopping_ = true;
    shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    {
        std::lock_guard lock(mu_);
        for (int fd : connections_) shutdown(fd, SHUT_RDWR);
    }
    for (auto &t : threads_) t.join();
    for (int fd : connections_) close(fd);  // closed here only: a number is not reused while a thread may use it
    close(listen_fd_);
}

std::string HttpReceiver::url(const std::string &path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<HttpRequest> HttpReceiver::requests() {
    std::lock_guard lock(mu_);
    return requests_;
}

bool HttpReceiver::wait(const std::function<bool(const std::vector<HttpRequest> &)> &pred,
                        std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return pred(requests_); });
}

void HttpReceiver::accept_loop() {
    while (!stopping_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        std::lock_guard lock(mu_);
        connections_.push_back(fd);
        threads_.emplace_back([this, fd] { serve(fd); });
    }
}

// Requests one after another on a kept-alive connection, as libcurl sends them.
void HttpReceiver::serve(int fd) {
    std::string in;
    char buf[65536];
    auto fill = [&]() {
        const ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) return false;
        in.append(buf, size_t(n));
        return true;
    };
    while (!stopping_) {
        size_t end;
        while ((end = in.find("\r\n\r\n")) == std::string::npos)
            if (!fill()) return;
        HttpRequest req;
        const std::string head = in.substr(0, end);
        in.erase(0, end + 4);
        size_t line_end = head.find("\r\n");
        const std::string first = head.substr(0, line_end);
        req.method = first.substr(0, first.find(' '));
        req.path = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
        while (line_end != std::string::npos && line_end < head.size()) {
            const size_t next = head.find("\r\n", line_end + 2);
            const std::string line = head.substr(line_end + 2, next == std::string::npos ? std::string::npos : next - line_end - 2);
            const size_t colon = line.find(':');
            if (colon != std::string::npos) {
                std::string value = line.substr(colon + 1);
                value.erase(0, value.find_first_not_of(' '));
                req.headers[lower(line.substr(0, colon))] = value;
            }
            line_end = next;
        }
        if (lower(req.headers["expect"]) == "100-continue" && !send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n")) return;
        const size_t length = req.headers.count("content-length") ? std::stoul(req.headers["content-length"]) : 0;
        while (in.size() < length)
            if (!fill()) return;
        req.body = in.substr(0, length);
        in.erase(0, length);
        const HttpAnswer answer = handler_(req);
        {
            std::lock_guard lock(mu_);
            requests_.push_back(std::move(req));
        }
        changed_.notify_all();
        if (answer.status == 0) {  // stalled: holds the connection until the test ends
            while (!stopping_ && fill()) {
            }
            return;
        }
        const std::string response = "HTTP/1.1 " + std::to_string(answer.status) + " " + reason(answer.status) +
                                     "\r\nContent-Type: application/json\r\nContent-Length: " +
                                     std::to_string(answer.body.size()) + "\r\n\r\n" + answer.body;
        if (answer.status < 0) {
            send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial");
            shutdown(fd, SHUT_RDWR);
            return;
        }
        if (!send_all(fd, response)) return;
    }
}

}  // namespace crowsnest::test
