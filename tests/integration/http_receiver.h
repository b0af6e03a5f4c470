// A loopback HTTP/1.1 server for the alert outputs' tests: it plays a
// receiver (Falcosidekick's acceptance rules, Elasticsearch's _bulk, a Slack
// webhook, or one that fails) through a handler, and keeps every request.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace crowsnest::test {

struct HttpRequest {
    std::string method, path;
    std::map<std::string, std::string> headers;  // names in lowercase
    std::string body;
};

struct HttpAnswer {
    int status = 200;  // 0: never answer (a stalled receiver), -1: close the connection mid-response
    std::string body;
};

class HttpReceiver {
public:
    using Handler = std::function<HttpAnswer(const HttpRequest &)>;
    explicit HttpReceiver(Handler handler);
    ~HttpReceiver();
    HttpReceiver(const HttpReceiver &) = delete;
    HttpReceiver &operator=(const HttpReceiver &) = delete;

    std::string url(const std::string &path = "/") const;
    std::vector<HttpRequest> requests();
    // Waits until `pred` holds for the requests received so far.
    bool wait(const std::function<bool(const std::vector<HttpRequest> &)> &pred,
              std::chrono::milliseconds timeout = std::chrono::seconds(20));

private:
    void accept_loop();
    void serve(int fd);

    Handler handler_;
    int listen_fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::mutex mu_;
    std::condition_variable changed_;
    std::vector<HttpRequest> requests_;
    std::vector<int> connections_;
    std::vector<std::thread> threads_;
    std::thread acceptor_;
};

}  // namespace crowsnest::test
