#include "workload/image_ref.h"

namespace crowsnest {

ImageRef split_image_ref(std::string_view image) {
    ImageRef r;
    if (const size_t at = image.find('@'); at != std::string_view::npos) {
        r.digest = std::string(image.substr(at + 1));
        image = image.substr(0, at);
    } else if (image.substr(0, 7) == "sha256:") {  // an image id, not a name
        r.digest = std::string(image);
        return r;
    }
    // a colon after the last slash starts the tag; one before it is a registry's port
    const size_t colon = image.rfind(':');
    const size_t slash = image.rfind('/');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
        r.tag = std::string(image.substr(colon + 1));
        image = image.substr(0, colon);
    }
    r.repository = std::string(image);
    return r;
}

}  // namespace crowsnest
