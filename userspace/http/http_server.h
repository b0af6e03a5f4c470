// The HTTP endpoint (cpp-httplib): /healthz (the engine loop turns),
// /readyz (attached, rules loaded, keeping up; the JSON body says why not)
// and /metrics (Prometheus text). Plain HTTP, for probes and scrapers on
// the node or in the cluster; it serves nothing a watched process could use.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "api/rule_store.h"
#include "api/status_board.h"
#include "api/subscriber_hub.h"
#include "engine/readiness.h"

namespace httplib {
class Server;
}

namespace crowsnest {

struct HttpConfig {
    std::string listen;  // HOST:PORT or [IPv6]:PORT; "" = off
};

struct HttpParts {
    const StatusBoard &status;
    const VerdictHub &verdicts;
    const EventHub &events;
    const RuleStore &rules;
    ReadinessLimits limits;
};

// Splits "host:port" or "[v6]:port". False with a message.
bool split_host_port(const std::string &listen, std::string &host, int &port, std::string &error);

class HttpServer {
public:
    // Listening once it returns; nullptr with a message if it cannot bind.
    static std::unique_ptr<HttpServer> start(const HttpConfig &config, HttpParts parts, std::string &error);
    ~HttpServer();

private:
    explicit HttpServer(HttpParts parts);
    HttpParts parts_;
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
};

}  // namespace crowsnest
