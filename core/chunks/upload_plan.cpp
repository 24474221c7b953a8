// Upload planning; see upload_plan.hpp.
#include "core/chunks/upload_plan.hpp"

#include "core/chunks/chunk_names.hpp"
#include "core/chunks/upload_journal.hpp"
#include "core/s3/s3_url.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

namespace ov2ha::chunks {
namespace {

namespace fs = std::filesystem;

Status add_item(std::map<std::string, ShipItem>& items, const fs::path& path, std::string key) {
    if (const auto found = items.find(key); found != items.end()) {
        return failure("two files would be uploaded to the same key " + key + ": " +
                       found->second.path + " and " + path.string());
    }
    items.emplace(key, ShipItem{path.string(), key, key});
    return success();
}

Status add_folder(std::map<std::string, ShipItem>& items, const fs::path& folder,
                  std::string_view prefix) {
    std::error_code error;
    for (fs::recursive_directory_iterator it(folder, error), end; !error && it != end;
         it.increment(error)) {
        if (!it->is_regular_file(error) || it->path().filename() == k_journal_file_name) {
            continue;
        }
        const std::string inside = it->path().lexically_relative(folder).generic_string();
        if (auto added = add_item(items, it->path(), s3::key_under(prefix, inside)); !added) {
            return added;
        }
    }
    if (error) {
        return failure("cannot read folder " + folder.string() + ": " + error.message());
    }
    return success();
}

} // namespace

Result<std::vector<ShipItem>> plan_upload(const std::vector<std::string>& paths,
                                          std::string_view prefix) {
    std::map<std::string, ShipItem> items;
    for (const auto& text : paths) {
        const fs::path path(text);
        std::error_code error;
        const fs::file_status status = fs::status(path, error);
        if (!fs::exists(status)) {
            return failure("no such file or folder: " + text);
        }
        if (fs::is_directory(status)) {
            if (auto added = add_folder(items, path, prefix); !added) {
                return added.error();
            }
        } else if (fs::is_regular_file(status)) {
            if (auto added = add_item(items, path, s3::key_under(prefix, path.filename().string()));
                !added) {
                return added.error();
            }
        } else {
            return failure(text + " is neither a regular file nor a folder");
        }
    }
    std::vector<ShipItem> planned;
    for (auto& [key, item] : items) {
        planned.push_back(std::move(item));
    }
    std::stable_sort(planned.begin(), planned.end(), [](const ShipItem& a, const ShipItem& b) {
        return ships_before(a.name, b.name);
    });
    return planned;
}

} // namespace ov2ha::chunks
