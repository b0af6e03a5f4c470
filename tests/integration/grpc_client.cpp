#include "grpc_client.h"

#include <future>
#include <fstream>

#include <grpcpp/generic/generic_stub.h>
#include <sstream>

#include "runc_container.h"

namespace crowsnest::test {

std::shared_ptr<grpc::Channel> unix_channel(const std::string &socket_path) {
    return grpc::CreateChannel("unix:" + socket_path, grpc::InsecureChannelCredentials());
}

std::shared_ptr<grpc::Channel> stingy_unix_channel(const std::string &socket_path) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own
    args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);           // the window never grows
    args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 16 * 1024);
    return grpc::CreateCustomChannel("unix:" + socket_path, grpc::InsecureChannelCredentials(), args);
}

std::shared_ptr<grpc::Channel> tls_channel(const std::string &address, const std::string &ca_pem,
                                           const std::string &cert_pem, const std::string &key_pem) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ca_pem;
    ssl.pem_cert_chain = cert_pem;
    ssl.pem_private_key = key_pem;
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    return grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args);
}

// The standard services' messages are tiny: they are written and read as
// raw protobuf bytes here rather than compiled from .proto files that the
// distribution does not ship.
namespace {

grpc::ByteBuffer bytes(const std::string &s) {
    grpc::Slice slice(s);
    return grpc::ByteBuffer(&slice, 1);
}

std::string flatten(const grpc::ByteBuffer &b) {
    std::vector<grpc::Slice> slices;
    std::string out;
    if (!b.Dump(&slices).ok()) return out;
    for (const auto &s : slices) out.append(reinterpret_cast<const char *>(s.begin()), s.size());
    return out;
}

// field 1 (string): tag 0x0a, length, bytes (short strings only)
std::string string_field(char tag, const std::string &s) { return std::string{tag, char(s.size())} + s; }

}  // namespace

int health_check(const std::shared_ptr<grpc::Channel> &channel, const std::string &service) {
    grpc::GenericStub stub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    const grpc::ByteBuffer request = bytes(service.empty() ? "" : string_field(0x0a, service));
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                   [&](grpc::Status s) { done.set_value(s); });
    if (!done.get_future().get().ok()) return -1;
    const std::string r = flatten(response);  // HealthCheckResponse: field 1, varint
    return r.size() == 2 && r[0] == 0x08 ? r[1] : r.empty() ? 0 : -1;
}

std::string reflection_list_services(const std::shared_ptr<grpc::Channel> &channel) {
    grpc::GenericStub stub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::CompletionQueue cq;
    auto step = [&cq](void *tag) {
        void *got;
        bool ok;
        return cq.Next(&got, &ok) && got == tag && ok;
    };
    auto call = stub.PrepareCall(&ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
    std::string out;
    grpc::ByteBuffer response;
    call->StartCall(reinterpret_cast<void *>(1));
    if (step(reinterpret_cast<void *>(1))) {
        call->Write(bytes(string_field(0x3a, "")), reinterpret_cast<void *>(2));  // list_services = 7
        if (step(reinterpret_cast<void *>(2))) {
            call->Read(&response, reinterpret_cast<void *>(3));
            if (step(reinterpret_cast<void *>(3))) out = flatten(response);
        }
    }
    ctx.TryCancel();
    grpc::Status status;
    call->Finish(&status, reinterpret_cast<void *>(4));
    step(reinterpret_cast<void *>(4));
    cq.Shutdown();
    void *tag;
    bool ok;
    while (cq.Next(&tag, &ok)) {
    }
    return out;
}

namespace {

std::string slurp(const std::string &path) {
    std::ifstream in(path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

bool make_test_certificates(TestCertificates &out, std::string &error) {
    char tmpl[] = "/tmp/crowsnest-certs-XXXXXX";
    if (!mkdtemp(tmpl)) {
        error = "mkdtemp failed";
        return false;
    }
    out.dir = tmpl;
    // EC keys: quick to make. One CA signs the server and a client; another
    // CA signs a client the server must refuse.
    const std::string script = "cd " + out.dir + R"( && set -e
key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1.key"; }
ca() { key "$1"; openssl req -x509 -new -key "$1.key" -out "$1.crt" -days 2 -subj "/CN=$1"; }
leaf() {  # name ca subject extensions
  key "$1"; openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$3"
  printf '%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial -out "$1.crt" -days 2 -extfile "$1.ext"
}
ca ca; ca other-ca
leaf server ca localhost 'subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth'
leaf client ca test-client 'extendedKeyUsage=clientAuth'
leaf other other-ca test-client 'extendedKeyUsage=clientAuth'
)";
    std::string output;
    if (run_shell("(" + script + ")", &output) != 0) {
        error = "openssl failed: " + output;
        return false;
    }
    out.ca = slurp(out.dir + "/ca.crt");
    out.server_cert = slurp(out.dir + "/server.crt");
    out.server_key = slurp(out.dir + "/server.key");
    out.client_cert = slurp(out.dir + "/client.crt");
    out.client_key = slurp(out.dir + "/client.key");
    out.other_cert = slurp(out.dir + "/other.crt");
    out.other_key = slurp(out.dir + "/other.key");
    return true;
}

VerdictStream::VerdictStream(std::shared_ptr<grpc::Channel> channel, v1::StreamRequest request, Rpc rpc) {
    thread_ = std::thread(&VerdictStream::run, this, v1::Sensor::NewStub(channel), std::move(request), rpc);
}

VerdictStream::~VerdictStream() { stop(); }

void VerdictStream::run(std::unique_ptr<v1::Sensor::Stub> stub, v1::StreamRequest request, Rpc rpc) {
    if (rpc == Rpc::VerdictBatches)
        read_all(stub->StreamVerdictBatches(&ctx_, request), v1::VerdictBatch{},
                 [](const v1::VerdictBatch &b, std::vector<v1::Verdict> &out) {
                     out.insert(out.end(), b.verdicts().begin(), b.verdicts().end());
                 });
    else
        read_all(stub->StreamVerdicts(&ctx_, request), v1::Verdict{},
                 [](const v1::Verdict &v, std::vector<v1::Verdict> &out) { out.push_back(v); });
}

template <typename Reader, typename Message, typename Append>
void VerdictStream::read_all(Reader reader, Message message, Append append) {
    reader->WaitForInitialMetadata();
    {
        std::lock_guard lock(mu_);
        // headers also come with an error status: subscribed only if it lives on
        subscribed_ = true;
    }
    changed_.notify_all();
    while (reader->Read(&message)) {
        std::lock_guard lock(mu_);
        append(message, received_);
        changed_.notify_all();
    }
    auto status = reader->Finish();
    std::lock_guard lock(mu_);
    status_ = status;
    ended_ = true;
    changed_.notify_all();
}

bool VerdictStream::wait_subscribed(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    changed_.wait_for(lock, timeout, [&] { return subscribed_ || ended_; });
    if (!subscribed_) return false;
    // an immediately refused call also "receives headers": give it a moment to end
    changed_.wait_for(lock, std::chrono::milliseconds(100), [&] { return ended_; });
    return !ended_;
}

bool VerdictStream::wait_verdict(const std::function<bool(const v1::Verdict &)> &pred, v1::Verdict *found,
                                 std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    size_t checked = 0;
    bool matched = false;
    changed_.wait_for(lock, timeout, [&] {
        for (; !matched && checked < received_.size(); checked++)
            if (pred(received_[checked])) {
                if (found) *found = received_[checked];
                matched = true;
            }
        return matched || ended_;
    });
    return matched;
}

bool VerdictStream::wait_count(size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return received_.size() >= n || ended_; }) && received_.size() >= n;
}

std::vector<v1::Verdict> VerdictStream::received() {
    std::lock_guard lock(mu_);
    return received_;
}

bool VerdictStream::wait_ended(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return ended_; });
}

grpc::Status VerdictStream::stop() {
    if (thread_.joinable()) {
        ctx_.TryCancel();
        thread_.join();
    }
    std::lock_guard lock(mu_);
    return status_;
}

}  // namespace crowsnest::test
