// An image reference split as Docker's reference grammar reads it:
// [registry[:port]/]path[:tag][@digest]. "registry.example:5000/shop/api:1.4"
// has repository "registry.example:5000/shop/api" and tag "1.4"; a bare
// image id ("sha256:<hex>") has a digest and no repository.
#pragma once

#include <string>
#include <string_view>

namespace crowsnest {

struct ImageRef {
    std::string repository, tag, digest;
};

ImageRef split_image_ref(std::string_view image);

}  // namespace crowsnest
