// What `crowsnest watch` and `crowsnest status` share: how to reach the
// daemon (its Unix socket by default, or TCP with TLS) and their options.
#pragma once

#include <getopt.h>

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

namespace crowsnest {

struct ClientOptions {
    std::string socket = "/run/crowsnest/crowsnest.sock";
    std::string address;                  // host:port: TCP instead of the socket
    std::string tls_ca, tls_cert, tls_key;  // PEM files; TLS unless --insecure
    bool insecure = false;                // plaintext TCP (the daemon's --insecure-listen)
    std::string tls_server_name;          // overrides the name checked in the server certificate
};

// Handles a connection option at argv's current getopt position; `c` is the
// option code from with_connection(). Returns false if it is not one.
bool parse_connection_option(int c, const char *arg, ClientOptions &out);

// A command's own long options followed by those of the connection (codes
// 1000..1099), terminated by a zero entry, for getopt_long.
std::vector<::option> with_connection(std::initializer_list<::option> own);
const char *connection_usage();

std::shared_ptr<grpc::Channel> make_channel(const ClientOptions &opts, std::string &error);

}  // namespace crowsnest
