// The four stream methods of crowsnest.v1.Sensor (StreamVerdicts,
// StreamEvents and their batched forms), as a service that writes the bytes
// every message was serialised to once (api/published.h), not messages:
// the generated service would serialise each message once per client.
#pragma once

#include <memory>

#include "api/grpc_server.h"

namespace crowsnest {

std::unique_ptr<grpc::Service> make_stream_service(ServerParts &parts);

}  // namespace crowsnest
