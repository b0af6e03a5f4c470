// The bodies the HTTP output POSTs, one shape per receiver:
// - falco: Falco's alert JSON, one alert per request (what Falcosidekick takes);
// - json: this project's JSON (the protobuf mapping), one line per verdict (NDJSON), a batch per request;
// - elasticsearch: the _bulk API, an action line and a document per verdict, into an index named
//   from a strftime pattern on the verdict's time (UTC), a batch per request;
// - slack: an incoming webhook's message, severity as colour, one per request.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/published.h"
#include "crowsnest.pb.h"

namespace crowsnest {

enum class HttpFormat { Falco, Json, Elasticsearch, Slack };

std::optional<HttpFormat> parse_http_format(const std::string &name);
const char *content_type(HttpFormat f);

struct HttpBody {
    std::string text;
    size_t verdicts = 0;  // how many verdicts it carries
};

std::vector<HttpBody> http_bodies(HttpFormat f, const std::vector<const Published<v1::Verdict> *> &batch,
                                  const std::string &index_pattern);

// The items of an Elasticsearch _bulk response that failed (each has an
// "error", or a status of 300 or more). 0 when the response says "errors":
// false; all of `items` when it cannot be read.
size_t bulk_failures(const std::string &response, size_t items);

// The name of the index for a verdict at `t`: `pattern` through strftime, in UTC.
std::string index_name(const std::string &pattern, const google::protobuf::Timestamp &t);

}  // namespace crowsnest
