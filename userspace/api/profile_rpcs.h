// The profile RPCs (ListProfiles ... ForgetProfile). The profiler belongs to
// the engine thread: each call hands its work to that thread through the
// task queue, between two events, so a change holds from the next event on;
// the profiler's writer keeps it in the database.
#pragma once

#include <grpcpp/support/status.h>

#include <functional>

#include "crowsnest.pb.h"
#include "profile/profiler.h"
#include "util/task_queue.h"

namespace crowsnest {

class ProfileRpcs {
public:
    // `profiler` nullptr: profiles are off (no --profiles), every call says so.
    ProfileRpcs(Profiler *profiler, TaskQueue *engine) : profiler_(profiler), engine_(engine) {}

    grpc::Status list(v1::ListProfilesResponse &out);
    grpc::Status get(const v1::ProfileRequest &req, v1::GetProfileResponse &out);
    grpc::Status import(const v1::ImportProfileRequest &req, v1::ProfileResponse &out);
    grpc::Status lock(const v1::ProfileRequest &req, v1::ProfileResponse &out);
    grpc::Status relearn(const v1::ProfileRequest &req, v1::ProfileResponse &out);
    grpc::Status forget(const v1::ProfileRequest &req, v1::ProfileResponse &out);

private:
    grpc::Status on_engine(const std::function<void()> &work);
    // lock, relearn, forget: `op` on the profile of req.key; the summary is
    // of the profile before the change (forget) or after it.
    grpc::Status change(const v1::ProfileRequest &req, v1::ProfileResponse &out, bool summary_before,
                        const std::function<bool(const std::string &key)> &op);

    Profiler *profiler_;
    TaskQueue *engine_;
};

}  // namespace crowsnest
