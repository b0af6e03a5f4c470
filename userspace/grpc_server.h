// The gRPC server: crowsnest.v1.Sensor (streams, status, rules), the
// standard health service and server reflection, on a root-only Unix
// socket, and on TCP with mutual TLS or, when asked explicitly, plaintext.
#pragma once

#include <memory>
#include <string>

#include "options.h"
#include "rule_store.h"
#include "status_board.h"
#include "subscriber_hub.h"

namespace grpc {
class Server;
}

namespace crowsnest {

struct ServerParts {
    VerdictHub &verdicts;
    EventHub &events;
    RuleStore &rules;
    StatusBoard &status;
};

class GrpcServer {
public:
    // nullptr with a message if a listener cannot be set up.
    static std::unique_ptr<GrpcServer> start(const Options &opts, ServerParts parts, std::string &error);
    // Ends every stream and stops serving.
    ~GrpcServer();

private:
    class Service;
    GrpcServer() = default;
    std::unique_ptr<Service> service_;
    std::unique_ptr<grpc::Server> server_;
    std::unique_ptr<ServerParts> parts_;
    std::string socket_path_;
};

}  // namespace crowsnest
