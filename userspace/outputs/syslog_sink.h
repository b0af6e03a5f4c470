// Sends verdicts as RFC 5424 messages (syslog_message.h) to a local
// datagram socket, a UDP or a TCP collector (RFC 6587 octet counting). A
// broken connection is made again at the next message; a message that still
// cannot be sent is counted as failed.
#pragma once

#include <memory>

#include "outputs/sink.h"
#include "outputs/syslog_target.h"

namespace crowsnest {

class SyslogSink final : public Sink {
public:
    explicit SyslogSink(SyslogTarget target);
    ~SyslogSink() override;
    void deliver(const std::vector<const Published<v1::Verdict> *> &batch, Delivery &out) override;

private:
    bool connect_target(std::string &error);
    bool send_one(const std::string &message, std::string &error);
    void disconnect();

    SyslogTarget target_;
    int fd_ = -1;
    int pid_;
};

}  // namespace crowsnest
