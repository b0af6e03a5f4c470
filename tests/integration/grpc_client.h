// gRPC clients for the integration tests: channels over the Unix socket or
// TCP with (mutual) TLS, a verdict stream collected on its own thread, and
// test certificates made with the openssl command.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "crowsnest.grpc.pb.h"

namespace crowsnest::test {

std::shared_ptr<grpc::Channel> unix_channel(const std::string &socket_path);
// Its own connection, with a small flow-control window that does not grow:
// a client that stops reading stalls the server's writes soon.
std::shared_ptr<grpc::Channel> stingy_unix_channel(const std::string &socket_path);
// cert/key empty: no client certificate.
std::shared_ptr<grpc::Channel> tls_channel(const std::string &address, const std::string &ca_pem,
                                           const std::string &cert_pem = "", const std::string &key_pem = "");

// grpc.health.v1.Health/Check for `service` ("" = the server): the status
// number (1 SERVING), or -1 if the call failed.
int health_check(const std::shared_ptr<grpc::Channel> &channel, const std::string &service);
// The service names that server reflection lists, as the raw response bytes.
std::string reflection_list_services(const std::shared_ptr<grpc::Channel> &channel);

// A CA, a server certificate for localhost/127.0.0.1 and a client
// certificate signed by it, and a client certificate from another CA.
struct TestCertificates {
    std::string dir;
    std::string ca, server_cert, server_key, client_cert, client_key, other_cert, other_key;  // PEM
    std::string ca_path() const { return dir + "/ca.crt"; }
    std::string server_cert_path() const { return dir + "/server.crt"; }
    std::string server_key_path() const { return dir + "/server.key"; }
};
bool make_test_certificates(TestCertificates &out, std::string &error);

// A StreamVerdicts call (or StreamVerdictBatches, its verdicts taken out of
// each batch in order) running on its own thread until stopped.
class VerdictStream {
public:
    enum class Rpc { Verdicts, VerdictBatches };
    VerdictStream(std::shared_ptr<grpc::Channel> channel, v1::StreamRequest request, Rpc rpc = Rpc::Verdicts);
    ~VerdictStream();

    // True once the server has sent the stream's headers (it is subscribed);
    // false if the call ended first or the time ran out.
    bool wait_subscribed(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    bool wait_verdict(const std::function<bool(const v1::Verdict &)> &pred, v1::Verdict *found = nullptr,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Waits until `n` messages (verdicts and gap markers) have arrived.
    bool wait_count(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    std::vector<v1::Verdict> received();
    // Cancels the call if it still runs and returns how it ended.
    grpc::Status stop();
    // Waits for the call to end by itself.
    bool wait_ended(std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
    void run(std::unique_ptr<v1::Sensor::Stub> stub, v1::StreamRequest request, Rpc rpc);
    template <typename Reader, typename Message, typename Append>
    void read_all(Reader reader, Message message, Append append);

    grpc::ClientContext ctx_;
    std::mutex mu_;
    std::condition_variable changed_;
    bool subscribed_ = false, ended_ = false;
    std::vector<v1::Verdict> received_;
    grpc::Status status_;
    std::thread thread_;
};

}  // namespace crowsnest::test
