#include "http/http_server.h"

#include <httplib.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "http/metrics_page.h"

namespace crowsnest {

namespace {

constexpr const char *kJson = "application/json";

double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// The engine loop's turn is older than the limit: said by /healthz and /readyz alike.
std::string stall_reason(const HttpParts &p) {
    const double age = seconds(p.status.since_beat());
    if (age <= p.limits.stall_seconds) return "";
    char buf[128];
    std::snprintf(buf, sizeof(buf), "the engine loop has not turned for %.1f s (limit %u s)", age,
                  p.limits.stall_seconds);
    return buf;
}

void healthz(const HttpParts &p, httplib::Response &res) {
    const std::string stalled = stall_reason(p);
    nlohmann::json body = {{"alive", stalled.empty()}, {"loop_age_seconds", seconds(p.status.since_beat())}};
    if (!stalled.empty()) body["reason"] = stalled;
    res.status = stalled.empty() ? 200 : 503;
    res.set_content(body.dump() + "\n", kJson);
}

void readyz(const HttpParts &p, httplib::Response &res) {
    Readiness r = p.status.readiness();
    if (const std::string stalled = stall_reason(p); !stalled.empty()) {
        r.ready = false;
        r.reasons.push_back(stalled);
    }
    nlohmann::json body = {{"ready", r.ready}, {"reasons", r.reasons}};
    res.status = r.ready ? 200 : 503;
    res.set_content(body.dump() + "\n", kJson);
}

}  // namespace

bool split_host_port(const std::string &listen, std::string &host, int &port, std::string &error) {
    const size_t colon = listen.rfind(':');
    error = "'" + listen + "' is not HOST:PORT";
    if (colon == std::string::npos || colon == 0) return false;
    host = listen.substr(0, colon);
    if (host.front() == '[') {
        if (host.back() != ']' || host.size() < 3) return false;
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string::npos) {
        return false;  // an IPv6 address goes in brackets
    }
    const std::string digits = listen.substr(colon + 1);
    if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
    port = std::stoi(digits);
    if (port > 65535) return false;
    error.clear();
    return true;
}

HttpServer::HttpServer(HttpParts parts) : parts_(parts), server_(std::make_unique<httplib::Server>()) {}

std::unique_ptr<HttpServer> HttpServer::start(const HttpConfig &config, HttpParts parts, std::string &error) {
    std::string host;
    int port = 0;
    if (!split_host_port(config.listen, host, port, error)) {
        error = "--http-listen: " + error;
        return nullptr;
    }
    std::unique_ptr<HttpServer> self(new HttpServer(parts));
    httplib::Server &s = *self->server_;
    // probes and a scraper: two threads are plenty, and bounded
    s.new_task_queue = [] { return new httplib::ThreadPool(2); };
    s.set_read_timeout(5, 0);
    s.set_write_timeout(5, 0);
    s.set_payload_max_length(4096);
    const HttpParts *p = &self->parts_;
    s.Get("/healthz", [p](const httplib::Request &, httplib::Response &res) { healthz(*p, res); });
    s.Get("/readyz", [p](const httplib::Request &, httplib::Response &res) { readyz(*p, res); });
    s.Get("/metrics", [p](const httplib::Request &, httplib::Response &res) {
        res.set_content(render_metrics({p->status, p->verdicts, p->events, p->rules}),
                        "text/plain; version=0.0.4; charset=utf-8");
    });
    errno = 0;
    if (!s.bind_to_port(host, port)) {
        error = "cannot serve HTTP on " + config.listen + (errno ? std::string(": ") + std::strerror(errno) : "");
        return nullptr;
    }
    self->thread_ = std::thread([&s] { s.listen_after_bind(); });
    return self;
}

HttpServer::~HttpServer() {
    server_->stop();
    if (thread_.joinable()) thread_.join();
}

}  // namespace crowsnest
