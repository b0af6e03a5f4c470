#include "api/profile_rpcs.h"

#include "engine/messages.h"
#include "profile/profile_yaml.h"
#include "util/clocks.h"
#include "util/text_escape.h"

namespace crowsnest {

namespace {

// An engine busy for this long is stuck, not slow: the caller is told.
constexpr auto kEngineWait = std::chrono::seconds(10);

// Keys and digests come from runtime records: escaped into valid UTF-8.
void summarise(const Profile &p, v1::ProfileSummary &out) {
    assign_utf8_escaped(p.key, *out.mutable_key());
    out.set_state(profile_state_name(p.state));
    assign_utf8_escaped(p.image_digest, *out.mutable_image_digest());
    fill_time(p.first_seen_ns, *out.mutable_first_seen());
    fill_time(p.last_new_ns, *out.mutable_last_new());
    out.set_overflow(p.overflow);
    out.set_entries(p.entry_count());
}

grpc::Status empty_key() {
    return {grpc::StatusCode::INVALID_ARGUMENT, "the request names no profile: key is empty (ListProfiles lists them)"};
}

grpc::Status no_profile(const std::string &key) {
    std::string shown;
    assign_utf8_escaped(key, shown);
    return {grpc::StatusCode::NOT_FOUND, "no profile '" + shown + "' (ListProfiles lists them)"};
}

}  // namespace

grpc::Status ProfileRpcs::on_engine(const std::function<void()> &work) {
    if (!profiler_)
        return {grpc::StatusCode::FAILED_PRECONDITION, "profiles are off: the sensor was started without --profiles PATH"};
    if (!engine_->run(work, kEngineWait))
        return {grpc::StatusCode::ABORTED, "the engine did not take the request within 10 s (is it stopping?)"};
    return grpc::Status::OK;
}

grpc::Status ProfileRpcs::list(v1::ListProfilesResponse &out) {
    return on_engine([&] {
        for (const Profile *p : profiler_->all()) summarise(*p, *out.add_profiles());
    });
}

grpc::Status ProfileRpcs::get(const v1::ProfileRequest &req, v1::GetProfileResponse &out) {
    if (req.key().empty()) return empty_key();
    Profile copy;
    bool found = false;
    grpc::Status s = on_engine([&] {
        if (const Profile *p = profiler_->find(req.key())) {
            copy = *p;
            found = true;
        }
    });
    if (!s.ok()) return s;
    if (!found) return no_profile(req.key());
    summarise(copy, *out.mutable_profile());
    assign_utf8_escaped(profile_to_yaml(copy), *out.mutable_yaml());  // made here, off the engine thread
    return grpc::Status::OK;
}

grpc::Status ProfileRpcs::import(const v1::ImportProfileRequest &req, v1::ProfileResponse &out) {
    Profile p;
    std::string error;
    if (!profile_from_yaml(req.yaml(), req.file().empty() ? "request" : req.file(), p, error))
        return {grpc::StatusCode::INVALID_ARGUMENT, error};
    const std::string key = p.key;
    bool ok = false;
    grpc::Status s = on_engine([&] {
        ok = profiler_->import(std::move(p), error);
        if (ok) summarise(*profiler_->find(key), *out.mutable_profile());
    });
    if (!s.ok()) return s;
    if (!ok) return {grpc::StatusCode::RESOURCE_EXHAUSTED, req.file() + (req.file().empty() ? "" : ": ") + error};
    return grpc::Status::OK;
}

grpc::Status ProfileRpcs::change(const v1::ProfileRequest &req, v1::ProfileResponse &out, bool summary_before,
                                 const std::function<bool(const std::string &key)> &op) {
    if (req.key().empty()) return empty_key();
    bool found = false;
    grpc::Status s = on_engine([&] {
        const Profile *p = profiler_->find(req.key());
        if (!p) return;
        if (summary_before) summarise(*p, *out.mutable_profile());
        found = op(req.key());
        if (!summary_before) summarise(*profiler_->find(req.key()), *out.mutable_profile());
    });
    if (!s.ok()) return s;
    return found ? grpc::Status::OK : no_profile(req.key());
}

grpc::Status ProfileRpcs::lock(const v1::ProfileRequest &req, v1::ProfileResponse &out) {
    return change(req, out, false, [&](const std::string &key) { return profiler_->lock(key); });
}

grpc::Status ProfileRpcs::relearn(const v1::ProfileRequest &req, v1::ProfileResponse &out) {
    return change(req, out, false, [&](const std::string &key) { return profiler_->relearn(key, wall_clock_ns()); });
}

grpc::Status ProfileRpcs::forget(const v1::ProfileRequest &req, v1::ProfileResponse &out) {
    return change(req, out, true, [&](const std::string &key) { return profiler_->forget(key); });
}

}  // namespace crowsnest
