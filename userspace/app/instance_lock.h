// One sensor per socket. Two crowsnest started at once on one socket would
// both attach (every verdict twice), and the first to stop would unlink the
// socket under the other. A lock beside the socket, taken before anything
// is attached, lets exactly one run.
#pragma once

#include <string>

namespace crowsnest {

class InstanceLock {
public:
    // Locks `path` (created, mode 0600) and writes our pid in it. False,
    // with the reason (naming the holder's pid when known), if it is held.
    bool acquire(const std::string &path, std::string &error);
    ~InstanceLock();  // the lock goes with the process; the file stays

private:
    int fd_ = -1;
};

}  // namespace crowsnest
