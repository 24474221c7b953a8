// The single id rule; see ids.hpp.
#include "core/base/ids.hpp"

#include <string>

namespace ov2ha {

Status validate_id(std::string_view id, std::string_view what) {
    const std::string name(what);
    if (id.empty()) {
        return failure(name + " is empty");
    }
    if (id.size() > k_max_id_length) {
        return failure(name + " is " + std::to_string(id.size()) + " bytes long; at most " +
                       std::to_string(k_max_id_length) + " are allowed");
    }
    if (id.find("..") != std::string_view::npos) {
        return failure(name + " '" + std::string(id) + "' holds '..'");
    }
    for (char c : id) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '/' || c == '\\') {
            return failure(name + " '" + std::string(id) + "' holds a path separator");
        }
        if (byte < 0x20 || byte == 0x7f || c == ' ') {
            return failure(name + " holds whitespace or a control character (byte " +
                           std::to_string(byte) + ")");
        }
    }
    return success();
}

} // namespace ov2ha
