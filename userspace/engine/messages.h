// Builds the protobuf messages of proto/crowsnest.proto (Event, Verdict)
// from an event, its context and a detection.
#pragma once

#include "crowsnest.pb.h"
#include "event/event_context.h"
#include "rules/detection.h"

namespace crowsnest {

// Nanoseconds since the epoch as a protobuf Timestamp.
void fill_time(uint64_t ns, google::protobuf::Timestamp &t);

void fill_event_message(const EventContext &ctx, v1::Event &out);
void fill_verdict_message(const EventContext &ctx, const Detection &d, v1::Verdict &out);

// The verdict of a cgroup whose events the kernel dropped for going over
// its rate: `first` when the flood starts, else what a window added.
void fill_flood_verdict(const CgroupEntry *cgroup, const WorkloadInfo *workload, std::string_view node,
                        uint64_t cgroup_id,
                        const std::array<uint64_t, kEventTypeCount> &dropped, bool first, uint64_t window_seconds,
                        uint64_t wall_ns, v1::Verdict &out);

}  // namespace crowsnest
