#include "api/grpc_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include "api/profile_rpcs.h"
#include "api/stream_service.h"
#include "crowsnest.grpc.pb.h"
#include "util/path_util.h"
#include "util/text_escape.h"

namespace crowsnest {

namespace {

// A row of the counter table: in `counters`, and in the typed field or map
// that Status has for it.
void add_counter(const CounterRow &row, v1::Status &out) {
    auto *c = out.add_counters();
    assign_utf8_escaped(row.name, *c->mutable_name());  // verdict categories come from rule files
    c->set_value(row.value);
    c->set_help(row.doc ? std::string(row.doc->meaning) : std::string());
    const std::string_view name = row.name;
    auto suffix = [&](std::string_view family) { return std::string(name.substr(family.size())); };
    if (name.rfind("events.", 0) == 0) (*out.mutable_events())[suffix("events.")] = row.value;
    else if (name.rfind("verdicts.", 0) == 0) (*out.mutable_verdicts())[suffix("verdicts.")] = row.value;
    else if (name.rfind("malformed.", 0) == 0) (*out.mutable_malformed())[suffix("malformed.")] = row.value;
    else if (name == "ringbuf_drops") out.set_ringbuf_drops(row.value);
    else if (name == "inflight_drops") out.set_inflight_drops(row.value);
    else if (name == "exit_without_enter") out.set_exit_without_enter(row.value);
    else if (name == "unresolved_cgroups") out.set_unresolved_cgroups(row.value);
    else if (name == "truncated") out.set_truncated(row.value);
    else if (name == "threshold_evictions") out.set_threshold_evictions(row.value);
}

void add_subscribers(const std::vector<SubscriberStats> &stats, const char *stream, v1::Status &out) {
    for (const auto &s : stats) {
        auto *m = out.add_subscribers();
        m->set_id(s.id);
        m->set_stream(stream);
        assign_utf8_escaped(s.peer, *m->mutable_peer());
        m->set_sent(s.sent);
        m->set_dropped(s.dropped);
        m->set_queued(s.queued);
        m->set_queued_bytes(s.queued_bytes);
    }
}

std::shared_ptr<grpc::ServerCredentials> mutual_tls(const ServerConfig &config, std::string &error) {
    grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
    if (!read_whole_file(config.tls_key, pair.private_key, error) || !read_whole_file(config.tls_cert, pair.cert_chain, error) ||
        !read_whole_file(config.tls_client_ca, ssl.pem_root_certs, error))
        return nullptr;
    ssl.pem_key_cert_pairs.push_back(std::move(pair));
    return grpc::SslServerCredentials(ssl);
}

// True if something accepts connections on the Unix socket at `path`.
bool socket_in_use(const std::string &path) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof(a.sun_path) - 1);
    const bool used = connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof(a)) == 0;
    close(fd);
    return used;
}

// The socket's directory is created; a socket left by an earlier run is
// removed, but not one that a running daemon still serves, nor anything
// else at that path.
bool prepare_socket_path(const std::string &path, std::string &error) {
    std::error_code ec;
    const auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    if (ec) {
        error = "cannot create " + dir.string() + ": " + ec.message();
        return false;
    }
    struct stat st{};
    if (lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            error = path + " exists and is not a socket";
            return false;
        }
        if (socket_in_use(path)) {
            error = "another process serves " + path + " (another crowsnest? see --grpc-socket)";
            return false;
        }
        unlink(path.c_str());
    }
    return true;
}

}  // namespace

// Status, rules and profiles; the streams are api/stream_service's.
using StatusService = v1::Sensor::WithGenericMethod_StreamVerdicts<v1::Sensor::WithGenericMethod_StreamEvents<
    v1::Sensor::WithGenericMethod_StreamVerdictBatches<v1::Sensor::WithGenericMethod_StreamEventBatches<v1::Sensor::Service>>>>;

class GrpcServer::Service final : public StatusService {
public:
    explicit Service(ServerParts &parts) : parts_(parts), profiles_(parts.profiler, parts.engine_tasks) {}

    grpc::Status GetStatus(grpc::ServerContext *, const v1::StatusRequest *, v1::Status *out) override {
        out->set_version(CROWSNEST_VERSION);
        const auto started = parts_.status.started;
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(started.time_since_epoch()).count();
        out->mutable_started()->set_seconds(ns / 1000000000);
        out->mutable_started()->set_nanos(int32_t(ns % 1000000000));
        out->set_uptime_seconds(
            uint64_t(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - started).count()));
        const auto rules = parts_.rules.describe();
        out->set_rules_loaded(uint64_t(rules.rules_size()));
        *out->mutable_rule_files() = rules.files();
        for (const auto &row : parts_.status.read()) add_counter(row, *out);
        out->set_instance_id(parts_.instance_id);
        out->set_verdict_sequence_space(parts_.verdicts.sequence_space());
        out->set_last_verdict_sequence(parts_.verdicts.last_sequence());
        out->set_oldest_kept_sequence(parts_.verdicts.oldest_kept());
        add_subscribers(parts_.verdicts.stats(), "verdicts", *out);
        add_subscribers(parts_.events.stats(), "events", *out);
        return grpc::Status::OK;
    }

    grpc::Status ListRules(grpc::ServerContext *, const v1::ListRulesRequest *, v1::ListRulesResponse *out) override {
        *out = parts_.rules.describe();
        return grpc::Status::OK;
    }

    grpc::Status ReloadRules(grpc::ServerContext *, const v1::ReloadRulesRequest *,
                             v1::ReloadRulesResponse *out) override {
        *out = parts_.rules.reload(true);
        return grpc::Status::OK;
    }

    grpc::Status ListProfiles(grpc::ServerContext *, const v1::ListProfilesRequest *,
                              v1::ListProfilesResponse *out) override {
        return profiles_.list(*out);
    }
    grpc::Status GetProfile(grpc::ServerContext *, const v1::ProfileRequest *req, v1::GetProfileResponse *out) override {
        return profiles_.get(*req, *out);
    }
    grpc::Status ImportProfile(grpc::ServerContext *, const v1::ImportProfileRequest *req,
                               v1::ProfileResponse *out) override {
        return profiles_.import(*req, *out);
    }
    grpc::Status LockProfile(grpc::ServerContext *, const v1::ProfileRequest *req, v1::ProfileResponse *out) override {
        return profiles_.lock(*req, *out);
    }
    grpc::Status RelearnProfile(grpc::ServerContext *, const v1::ProfileRequest *req, v1::ProfileResponse *out) override {
        return profiles_.relearn(*req, *out);
    }
    grpc::Status ForgetProfile(grpc::ServerContext *, const v1::ProfileRequest *req, v1::ProfileResponse *out) override {
        return profiles_.forget(*req, *out);
    }

private:
    ServerParts &parts_;
    ProfileRpcs profiles_;
};

std::unique_ptr<GrpcServer> GrpcServer::start(const ServerConfig &config, ServerParts parts, std::string &error) {
    std::unique_ptr<GrpcServer> self(new GrpcServer);
    self->parts_ = std::make_unique<ServerParts>(parts);
    self->service_ = std::make_unique<Service>(*self->parts_);
    self->streams_ = make_stream_service(*self->parts_);

    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    builder.RegisterService(self->service_.get());
    builder.RegisterService(self->streams_.get());
    // gRPC requires a generic service once methods are left out of the
    // generated one; its default answers UNIMPLEMENTED to any other method
    self->unknown_methods_ = std::make_unique<grpc::CallbackGenericService>();
    builder.RegisterCallbackGenericService(self->unknown_methods_.get());

    if (!config.socket.empty()) {
        if (!prepare_socket_path(config.socket, error)) return nullptr;
        builder.AddListeningPort("unix:" + config.socket, grpc::InsecureServerCredentials());
        self->socket_path_ = config.socket;
    }
    int tls_port = 0, insecure_port = 0;
    if (!config.listen.empty()) {
        auto creds = mutual_tls(config, error);
        if (!creds) return nullptr;
        builder.AddListeningPort(config.listen, creds, &tls_port);
    }
    if (!config.insecure_listen.empty())
        builder.AddListeningPort(config.insecure_listen, grpc::InsecureServerCredentials(), &insecure_port);

    // the socket is created by BuildAndStart: root-only from its first moment
    const mode_t old_umask = umask(0077);
    self->server_ = builder.BuildAndStart();
    umask(old_umask);
    if (!self->server_) {
        error = "cannot start the gRPC server (is the socket path or a port in use?)";
        return nullptr;
    }
    if (!config.listen.empty() && tls_port == 0) {
        error = "cannot listen on " + config.listen;
        return nullptr;
    }
    if (!config.insecure_listen.empty() && insecure_port == 0) {
        error = "cannot listen on " + config.insecure_listen;
        return nullptr;
    }
    if (!self->socket_path_.empty()) chmod(self->socket_path_.c_str(), 0600);
    if (!config.socket.empty()) std::fprintf(stderr, "crowsnest: gRPC on unix:%s\n", config.socket.c_str());
    if (tls_port) std::fprintf(stderr, "crowsnest: gRPC with mutual TLS on %s (port %d)\n", config.listen.c_str(), tls_port);
    if (insecure_port)
        std::fprintf(stderr,
                     "crowsnest: WARNING: gRPC without TLS or authentication on %s (port %d): "
                     "anyone who can reach it reads every verdict\n",
                     config.insecure_listen.c_str(), insecure_port);
    return self;
}

void GrpcServer::set_serving(bool serving) {
    serving_ = serving;
    if (auto *health = server_->GetHealthCheckService()) health->SetServingStatus(serving);
}

GrpcServer::~GrpcServer() {
    if (parts_) {
        // streams wake up and end; then the server stops waiting for them
        parts_->verdicts.close();
        parts_->events.close();
    }
    if (server_) {
        server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
        server_->Wait();  // every handler has returned: none still reads the parts
    }
    if (!socket_path_.empty()) unlink(socket_path_.c_str());
}

}  // namespace crowsnest
