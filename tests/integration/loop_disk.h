// A small ext4 image on a loop device of the host, for tests that mount a
// host disk: detached, and its directory removed, with the object.
#pragma once

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <string>

#include "runc_container.h"

namespace crowsnest::test {

struct LoopDisk {
    std::string dir = temp_dir(), device;
    unsigned major = 0, minor = 0;

    bool make(std::string &error) {
        const std::string image = dir + "/disk.img";
        if (run_shell("dd if=/dev/zero of=" + image + " bs=1M count=8 status=none && mkfs.ext4 -q -F " + image +
                          " && losetup -f --show " + image,
                      &device) != 0) {
            error = "no loop device: " + device;
            device.clear();
            return false;
        }
        while (!device.empty() && device.back() == '\n') device.pop_back();
        struct stat st{};
        if (stat(device.c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) {
            error = device + " is not a block device";
            return false;
        }
        major = ::major(st.st_rdev);
        minor = ::minor(st.st_rdev);
        return true;
    }
    ~LoopDisk() {
        if (!device.empty()) run_shell("losetup -d " + device);
        run_shell("rm -rf " + dir);
    }
};

}  // namespace crowsnest::test
