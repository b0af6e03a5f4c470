#include "cli/connection.h"

#include <getopt.h>

#include "util/path_util.h"

namespace crowsnest {

namespace {

enum { OPT_SOCKET = 1000, OPT_ADDRESS, OPT_CA, OPT_CERT, OPT_KEY, OPT_INSECURE, OPT_SERVER_NAME };

const ::option kOptions[] = {
    {"socket", required_argument, nullptr, OPT_SOCKET},
    {"address", required_argument, nullptr, OPT_ADDRESS},
    {"tls-ca", required_argument, nullptr, OPT_CA},
    {"tls-cert", required_argument, nullptr, OPT_CERT},
    {"tls-key", required_argument, nullptr, OPT_KEY},
    {"insecure", no_argument, nullptr, OPT_INSECURE},
    {"tls-server-name", required_argument, nullptr, OPT_SERVER_NAME},
    {nullptr, 0, nullptr, 0},
};

// A PEM file the user named; none named is no error.
bool read_pem(const std::string &path, std::string &out, std::string &error) {
    return path.empty() || read_whole_file(path, out, error);
}

}  // namespace

std::vector<::option> with_connection(std::initializer_list<::option> own) {
    std::vector<::option> all(own);
    for (const ::option *o = kOptions; o->name; o++) all.push_back(*o);
    all.push_back({nullptr, 0, nullptr, 0});
    return all;
}

const char *connection_usage() {
    return R"(Connection (default: the Unix socket /run/crowsnest/crowsnest.sock):
      --socket PATH         the daemon's Unix socket
      --address HOST:PORT   TCP with TLS instead
      --tls-ca FILE         CA of the server certificate (PEM)
      --tls-cert FILE       client certificate (PEM), for mutual TLS
      --tls-key FILE        client private key (PEM)
      --tls-server-name N   name to expect in the server certificate
      --insecure            plaintext TCP (a daemon started with --insecure-listen)
)";
}

bool parse_connection_option(int c, const char *arg, ClientOptions &out) {
    switch (c) {
    case OPT_SOCKET: out.socket = arg; return true;
    case OPT_ADDRESS: out.address = arg; return true;
    case OPT_CA: out.tls_ca = arg; return true;
    case OPT_CERT: out.tls_cert = arg; return true;
    case OPT_KEY: out.tls_key = arg; return true;
    case OPT_INSECURE: out.insecure = true; return true;
    case OPT_SERVER_NAME: out.tls_server_name = arg; return true;
    default: return false;
    }
}

std::shared_ptr<grpc::Channel> make_channel(const ClientOptions &opts, std::string &error) {
    if (opts.address.empty()) return grpc::CreateChannel("unix:" + opts.socket, grpc::InsecureChannelCredentials());
    if (opts.insecure) return grpc::CreateChannel(opts.address, grpc::InsecureChannelCredentials());
    grpc::SslCredentialsOptions ssl;
    if (!read_pem(opts.tls_ca, ssl.pem_root_certs, error) || !read_pem(opts.tls_cert, ssl.pem_cert_chain, error) ||
        !read_pem(opts.tls_key, ssl.pem_private_key, error))
        return nullptr;
    grpc::ChannelArguments args;
    if (!opts.tls_server_name.empty()) args.SetSslTargetNameOverride(opts.tls_server_name);
    return grpc::CreateCustomChannel(opts.address, grpc::SslCredentials(ssl), args);
}

}  // namespace crowsnest
