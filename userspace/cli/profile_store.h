// Where `crowsnest profiles` reads and changes the learned profiles: the
// running sensor over gRPC (its memory, which detection uses, and through it
// its database), or a database offline (--db) while no sensor uses it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "profile/profile_db.h"

namespace crowsnest {

class ProfileStore {
public:
    virtual ~ProfileStore() = default;
    // Each returns false with `error` ("no profile 'KEY'" when there is none).
    virtual bool list(std::vector<ProfileRow> &out, std::string &error) = 0;
    virtual bool yaml(const std::string &key, std::string &out, std::string &error) = 0;
    // `text` read from `file`: the profile of its key is replaced.
    virtual bool import(const std::string &text, const std::string &file, ProfileRow &out, std::string &error) = 0;
    virtual bool lock(const std::string &key, ProfileRow &out, std::string &error) = 0;
    virtual bool relearn(const std::string &key, ProfileRow &out, std::string &error) = 0;
    virtual bool forget(const std::string &key, std::string &error) = 0;
};

// The database at `path`; nullptr with `error` when it cannot be opened.
// `notice`: a damaged file was moved aside.
std::unique_ptr<ProfileStore> offline_profiles(const std::string &path, std::string &error, std::string &notice);
// The sensor at the other end of `channel`; `where` names it in errors.
std::unique_ptr<ProfileStore> sensor_profiles(std::shared_ptr<grpc::Channel> channel, std::string where);

}  // namespace crowsnest
