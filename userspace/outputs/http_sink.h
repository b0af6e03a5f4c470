// POSTs verdicts over HTTP(S) with libcurl, in one of the shapes of
// http_payloads.h. TLS is verified by default (a CA file may replace the
// system's; a client certificate and key may be given). Connection errors,
// 5xx and 429 are retried with exponential backoff and jitter; any other
// 4xx is not (the receiver will not change its mind) and is logged with
// the start of its response body. Elasticsearch's per-item failures in a
// _bulk response are counted.
#pragma once

#include <atomic>
#include <random>
#include <string>
#include <vector>

#include <curl/curl.h>

#include "outputs/http_payloads.h"
#include "outputs/sink.h"

namespace crowsnest {

struct HttpOutputConfig {
    std::string url;
    HttpFormat format = HttpFormat::Falco;
    std::vector<std::string> headers;  // "Name: value", e.g. an Authorization token
    std::string ca_file, cert_file, key_file;
    long timeout_ms = 5000;            // per request
    int max_retries = 5;
    std::string index_pattern = "crowsnest-%Y.%m.%d";  // elasticsearch
};

class HttpSink final : public Sink {
public:
    explicit HttpSink(HttpOutputConfig config);
    ~HttpSink() override;
    void deliver(const std::vector<const Published<v1::Verdict> *> &batch, Delivery &out) override;
    void cancel() override { cancelled_ = true; }

    struct Response {
        bool transport_ok = false;  // false: no HTTP answer (connection refused, timeout, TLS)
        long status = 0;
        std::string body, error;
    };

private:
    Response post(const std::string &body);
    void send(const HttpBody &body, Delivery &out);
    bool backoff(int attempt);  // false when cancelled

    HttpOutputConfig config_;
    CURL *curl_ = nullptr;  // kept: its connection is reused
    curl_slist *headers_ = nullptr;
    std::atomic<bool> cancelled_{false};
    bool gave_up_ = false;  // a request failed after cancel(): the rest fail at once
    std::mt19937 jitter_{std::random_device{}()};
};

}  // namespace crowsnest
