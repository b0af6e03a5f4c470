// The profiles of the running sensor, over its profile RPCs (cli/profile_store.h).
#include "cli/profile_store.h"

#include <chrono>

#include "crowsnest.grpc.pb.h"

namespace crowsnest {

namespace {

uint64_t ns_of(const google::protobuf::Timestamp &t) { return uint64_t(t.seconds()) * 1000000000ull + uint64_t(t.nanos()); }

ProfileRow row_from(const v1::ProfileSummary &s) {
    ProfileRow r;
    r.key = s.key();
    parse_profile_state(s.state(), r.state);
    r.image_digest = s.image_digest();
    r.first_seen_ns = ns_of(s.first_seen());
    r.last_new_ns = ns_of(s.last_new());
    r.overflow = s.overflow();
    r.entries = size_t(s.entries());
    return r;
}

class SensorProfiles final : public ProfileStore {
public:
    SensorProfiles(std::shared_ptr<grpc::Channel> channel, std::string where)
        : stub_(v1::Sensor::NewStub(channel)), where_(std::move(where)) {}

    bool list(std::vector<ProfileRow> &out, std::string &error) override {
        v1::ListProfilesResponse resp;
        grpc::ClientContext ctx;
        if (!answered(stub_->ListProfiles(deadline(ctx), {}, &resp), error)) return false;
        for (const auto &s : resp.profiles()) out.push_back(row_from(s));
        return true;
    }

    bool yaml(const std::string &key, std::string &out, std::string &error) override {
        v1::GetProfileResponse resp;
        grpc::ClientContext ctx;
        if (!answered(stub_->GetProfile(deadline(ctx), request(key), &resp), error)) return false;
        out = resp.yaml();
        return true;
    }

    bool import(const std::string &text, const std::string &file, ProfileRow &out, std::string &error) override {
        v1::ImportProfileRequest req;
        req.set_yaml(text);
        req.set_file(file);
        v1::ProfileResponse resp;
        grpc::ClientContext ctx;
        if (!answered(stub_->ImportProfile(deadline(ctx), req, &resp), error)) return false;
        out = row_from(resp.profile());
        return true;
    }

    bool lock(const std::string &key, ProfileRow &out, std::string &error) override {
        return change(&v1::Sensor::Stub::LockProfile, key, &out, error);
    }
    bool relearn(const std::string &key, ProfileRow &out, std::string &error) override {
        return change(&v1::Sensor::Stub::RelearnProfile, key, &out, error);
    }
    bool forget(const std::string &key, std::string &error) override {
        return change(&v1::Sensor::Stub::ForgetProfile, key, nullptr, error);
    }

private:
    // The sensor waits up to 10 s for its engine thread.
    static grpc::ClientContext *deadline(grpc::ClientContext &ctx) {
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(15));
        return &ctx;
    }
    static v1::ProfileRequest request(const std::string &key) {
        v1::ProfileRequest req;
        req.set_key(key);
        return req;
    }
    using Change = grpc::Status (v1::Sensor::Stub::*)(grpc::ClientContext *, const v1::ProfileRequest &,
                                                      v1::ProfileResponse *);
    // lock, relearn, forget: the profile after the change in `out`, if wanted.
    bool change(Change call, const std::string &key, ProfileRow *out, std::string &error) {
        v1::ProfileResponse resp;
        grpc::ClientContext ctx;
        if (!answered((stub_.get()->*call)(deadline(ctx), request(key), &resp), error)) return false;
        if (out) *out = row_from(resp.profile());
        return true;
    }
    bool answered(const grpc::Status &s, std::string &error) const {
        if (s.ok()) return true;
        error = s.error_message();
        if (s.error_code() == grpc::StatusCode::UNAVAILABLE)
            error = "no sensor answers on " + where_ + " (" + error +
                    "); with no sensor running, --db PATH works on its database";
        return false;
    }

    std::unique_ptr<v1::Sensor::Stub> stub_;
    std::string where_;
};

}  // namespace

std::unique_ptr<ProfileStore> sensor_profiles(std::shared_ptr<grpc::Channel> channel, std::string where) {
    return std::make_unique<SensorProfiles>(std::move(channel), std::move(where));
}

}  // namespace crowsnest
