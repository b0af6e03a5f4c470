// The gRPC server: crowsnest.v1.Sensor (streams, status, rules, profiles), the
// standard health service and server reflection, on a root-only Unix
// socket, and on TCP with mutual TLS or, when asked explicitly, plaintext.
#pragma once

#include <memory>
#include <string>

#include "api/rule_store.h"
#include "profile/profiler.h"
#include "util/task_queue.h"
#include "api/status_board.h"
#include "api/subscriber_hub.h"

namespace grpc {
class CallbackGenericService;
class Server;
class Service;
}

namespace crowsnest {

// Where to listen: a root-only Unix socket by default; TCP only with TLS
// (client certificates required) or with an explicit insecure listener.
struct ServerConfig {
    std::string socket = "/run/crowsnest/crowsnest.sock";  // "" = none
    std::string listen;                   // host:port, mutual TLS
    std::string tls_cert, tls_key, tls_client_ca;
    std::string insecure_listen;          // host:port, plaintext
};

struct ServerParts {
    VerdictHub &verdicts;
    EventHub &events;
    RuleStore &rules;
    StatusBoard &status;
    std::string instance_id;  // this run of the sensor
    Profiler *profiler = nullptr;      // learned profiles (--profiles); nullptr: off
    TaskQueue *engine_tasks = nullptr;  // how the profile RPCs reach the engine thread, which owns the profiler
};

class GrpcServer {
public:
    // nullptr with a message if a listener cannot be set up.
    static std::unique_ptr<GrpcServer> start(const ServerConfig &config, ServerParts parts, std::string &error);
    // Ends every stream and stops serving.
    ~GrpcServer();

    // What the standard health service answers: SERVING or NOT_SERVING.
    void set_serving(bool serving);
    bool serving() const { return serving_; }

private:
    class Service;
    GrpcServer() = default;
    // the handlers use the parts and the service: the server goes first
    std::unique_ptr<ServerParts> parts_;
    std::unique_ptr<Service> service_;
    std::unique_ptr<grpc::Service> streams_;
    std::unique_ptr<grpc::CallbackGenericService> unknown_methods_;
    std::unique_ptr<grpc::Server> server_;
    std::string socket_path_;
    bool serving_ = true;
};

}  // namespace crowsnest
