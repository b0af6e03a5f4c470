#include "outputs/http_sink.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

namespace crowsnest {
namespace {

constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);
constexpr size_t kMaxResponse = 1u << 20;  // read of a response body, at most
constexpr size_t kLoggedBody = 300;        // of a refusal's body, in the log

size_t collect(char *data, size_t size, size_t n, void *user) {
    auto *out = static_cast<std::string *>(user);
    const size_t bytes = size * n;
    if (out->size() < kMaxResponse) out->append(data, std::min(bytes, kMaxResponse - out->size()));
    return bytes;
}

}  // namespace

HttpSink::HttpSink(HttpOutputConfig config) : config_(std::move(config)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    curl_ = curl_easy_init();
    headers_ = curl_slist_append(headers_, (std::string("Content-Type: ") + content_type(config_.format)).c_str());
    for (const auto &h : config_.headers) headers_ = curl_slist_append(headers_, h.c_str());
    CURL *c = curl_;
    curl_easy_setopt(c, CURLOPT_URL, config_.url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, config_.timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(config_.timeout_ms, 3000L));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "crowsnest/" CROWSNEST_VERSION);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    if (!config_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, config_.ca_file.c_str());
    if (!config_.cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, config_.cert_file.c_str());
    if (!config_.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, config_.key_file.c_str());
}

HttpSink::~HttpSink() {
    curl_easy_cleanup(curl_);
    curl_slist_free_all(headers_);
}

HttpSink::Response HttpSink::post(const std::string &body) {
    CURL *c = curl_;
    Response r;
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
    const CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        r.error = curl_easy_strerror(rc);
        return r;
    }
    r.transport_ok = true;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    return r;
}

// Exponential, with jitter so that many sensors do not retry in step.
bool HttpSink::backoff(int attempt) {
    const auto base = std::min<std::chrono::milliseconds>(kMaxBackoff, kFirstBackoff * (1 << std::min(attempt, 10)));
    std::uniform_real_distribution<double> spread(0.5, 1.5);
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(int64_t(double(base.count()) * spread(jitter_)));
    while (std::chrono::steady_clock::now() < until) {
        if (cancelled_) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return !cancelled_;
}

void HttpSink::send(const HttpBody &body, Delivery &out) {
    for (int attempt = 0;; attempt++) {
        const Response r = post(body.text);
        if (r.transport_ok && r.status >= 200 && r.status < 300) {
            const size_t failed =
                config_.format == HttpFormat::Elasticsearch ? bulk_failures(r.body, body.verdicts) : 0;
            out.sent += body.verdicts - failed;
            out.failed += failed;
            if (failed) out.error = std::to_string(failed) + " of " + std::to_string(body.verdicts) +
                                    " documents refused by the bulk API: " + r.body.substr(0, kLoggedBody);
            return;
        }
        const bool retryable = !r.transport_ok || r.status >= 500 || r.status == 429;
        if (!retryable || attempt >= config_.max_retries || !backoff(attempt)) {
            out.failed += body.verdicts;
            gave_up_ = cancelled_.load();
            out.error = r.transport_ok ? "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, kLoggedBody)
                                       : r.error;
            if (retryable) out.error += " (after " + std::to_string(attempt + 1) + " attempts)";
            return;
        }
    }
}

void HttpSink::deliver(const std::vector<const Published<v1::Verdict> *> &batch, Delivery &out) {
    for (const auto &body : http_bodies(config_.format, batch, config_.index_pattern)) {
        if (gave_up_) {  // shutting down with a dead receiver: no more waiting
            out.failed += body.verdicts;
            continue;
        }
        send(body, out);
    }
}

}  // namespace crowsnest
