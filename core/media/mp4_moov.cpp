// Moving the moov to the front; see mp4_moov.hpp. The box walks and edits are
// pure functions on byte buffers; move_moov_to_front does the file work.
#include "core/media/mp4_moov.hpp"

#include "core/base/files.hpp"
#include "core/base/log.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <limits>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ov2ha::media {
namespace {

constexpr std::uint32_t fourcc(const char (&name)[5]) {
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(name[0])) << 24) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(name[1])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(name[2])) << 8) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(name[3]));
}

constexpr std::uint32_t k_ftyp = fourcc("ftyp");
constexpr std::uint32_t k_moov = fourcc("moov");
constexpr std::uint32_t k_free = fourcc("free");
constexpr std::uint32_t k_stco = fourcc("stco");
constexpr std::uint32_t k_co64 = fourcc("co64");
// The boxes from inside moov down to the sample table that holds the offsets.
constexpr std::array<std::uint32_t, 4> k_containers = {fourcc("trak"), fourcc("mdia"),
                                                       fourcc("minf"), fourcc("stbl")};
// A box header: 32-bit size and type, then a 64-bit size when the first is 1.
constexpr std::size_t k_header_bytes = 8;
constexpr std::size_t k_large_header_bytes = 16;
// stco and co64 start with version and flags (4 bytes) and an entry count (4).
constexpr std::size_t k_table_preamble_bytes = 8;
// Larger ftyp or moov boxes are not what a muxer writes; refuse them rather
// than allocate their size.
constexpr std::uint64_t k_max_ftyp_bytes = 1 << 20;
constexpr std::uint64_t k_max_moov_bytes = std::uint64_t{1} << 30;
// copy_file_range in steps of at most this many bytes.
constexpr std::size_t k_copy_step_bytes = 1 << 30;

std::uint32_t read_be32(const std::uint8_t* bytes) {
    return (static_cast<std::uint32_t>(bytes[0]) << 24) |
           (static_cast<std::uint32_t>(bytes[1]) << 16) |
           (static_cast<std::uint32_t>(bytes[2]) << 8) | static_cast<std::uint32_t>(bytes[3]);
}

std::uint64_t read_be64(const std::uint8_t* bytes) {
    return (static_cast<std::uint64_t>(read_be32(bytes)) << 32) | read_be32(bytes + 4);
}

void write_be32(std::uint8_t* bytes, std::uint32_t value) {
    for (int i = 3; i >= 0; --i) {
        bytes[i] = static_cast<std::uint8_t>(value & 0xff);
        value >>= 8;
    }
}

void write_be64(std::uint8_t* bytes, std::uint64_t value) {
    write_be32(bytes, static_cast<std::uint32_t>(value >> 32));
    write_be32(bytes + 4, static_cast<std::uint32_t>(value));
}

std::string type_text(std::uint32_t type) {
    std::string text;
    for (int shift = 24; shift >= 0; shift -= 8) {
        const char c = static_cast<char>((type >> shift) & 0xff);
        text += c >= 0x20 && c < 0x7f ? c : '?';
    }
    return "'" + text + "'";
}

// One box: where its header starts, how long that header is, its whole size.
struct Box {
    std::uint32_t type = 0;
    std::uint64_t start = 0;
    std::uint64_t header = k_header_bytes;
    std::uint64_t size = 0; // header included
};

// The box whose first bytes are `bytes` (at least 8, 16 when it has a 64-bit
// size) and that may take up `room` bytes: a size of 0 takes all of it.
Result<Box> parse_box(std::span<const std::uint8_t> bytes, std::uint64_t start,
                      std::uint64_t room) {
    if (bytes.size() < k_header_bytes || room < k_header_bytes) {
        return failure("a box header at offset " + std::to_string(start) + " is cut short");
    }
    Box box;
    box.type = read_be32(bytes.data() + 4);
    box.start = start;
    box.size = read_be32(bytes.data());
    if (box.size == 1) {
        if (bytes.size() < k_large_header_bytes || room < k_large_header_bytes) {
            return failure("the 64-bit size of box " + type_text(box.type) + " at offset " +
                           std::to_string(start) + " is cut short");
        }
        box.header = k_large_header_bytes;
        box.size = read_be64(bytes.data() + 8);
    } else if (box.size == 0) {
        box.size = room;
    }
    if (box.size < box.header || box.size > room) {
        return failure("box " + type_text(box.type) + " at offset " + std::to_string(start) +
                       " claims " + std::to_string(box.size) + " bytes where " +
                       std::to_string(room) + " are left");
    }
    return box;
}

// The boxes laid end to end in bytes [begin, end) of `bytes`.
Result<std::vector<Box>> child_boxes(std::span<const std::uint8_t> bytes, std::uint64_t begin,
                                     std::uint64_t end) {
    std::vector<Box> boxes;
    for (std::uint64_t at = begin; at < end;) {
        auto box =
            parse_box(bytes.subspan(at, std::min<std::uint64_t>(end - at, 16)), at, end - at);
        if (!box) {
            return box.error();
        }
        at += box->size;
        boxes.push_back(*box);
    }
    return boxes;
}

// The moov box that `moov` must be, whole.
Result<Box> root_box(std::span<const std::uint8_t> moov) {
    auto root = parse_box(moov.first(std::min<std::size_t>(moov.size(), 16)), 0, moov.size());
    if (!root) {
        return root.error();
    }
    if (root->type != k_moov) {
        return failure("the box is " + type_text(root->type) + ", not 'moov'");
    }
    if (root->size != moov.size()) {
        return failure("the moov box holds " + std::to_string(root->size) + " of the " +
                       std::to_string(moov.size()) + " bytes given");
    }
    return *root;
}

// A chunk offset table (stco or co64) inside a moov buffer.
struct OffsetTable {
    std::uint64_t entries = 0; // where the first entry starts
    std::uint32_t count = 0;
    bool wide = false; // co64: 64-bit entries
};

Result<OffsetTable> parse_table(std::span<const std::uint8_t> bytes, const Box& box) {
    const std::uint64_t content = box.size - box.header;
    if (content < k_table_preamble_bytes) {
        return failure(type_text(box.type) + " at offset " + std::to_string(box.start) +
                       " is too short for its entry count");
    }
    OffsetTable table;
    table.wide = box.type == k_co64;
    table.entries = box.start + box.header + k_table_preamble_bytes;
    table.count = read_be32(bytes.data() + table.entries - 4);
    const std::uint64_t entry_bytes = table.wide ? 8 : 4;
    if (table.count * entry_bytes > content - k_table_preamble_bytes) {
        return failure(type_text(box.type) + " at offset " + std::to_string(box.start) + " lists " +
                       std::to_string(table.count) + " entries but holds " +
                       std::to_string((content - k_table_preamble_bytes) / entry_bytes));
    }
    return table;
}

// Collects the offset tables below the boxes of [begin, end), which sit
// `depth` levels below moov.
Status collect_tables(std::span<const std::uint8_t> bytes, std::uint64_t begin, std::uint64_t end,
                      std::size_t depth, std::vector<OffsetTable>& tables) {
    auto boxes = child_boxes(bytes, begin, end);
    if (!boxes) {
        return boxes.error();
    }
    for (const Box& box : *boxes) {
        if (depth < k_containers.size() && box.type == k_containers[depth]) {
            if (auto collected = collect_tables(bytes, box.start + box.header, box.start + box.size,
                                                depth + 1, tables);
                !collected) {
                return collected;
            }
        } else if (depth == k_containers.size() && (box.type == k_stco || box.type == k_co64)) {
            auto table = parse_table(bytes, box);
            if (!table) {
                return table.error();
            }
            tables.push_back(*table);
        }
    }
    return success();
}

Result<std::vector<OffsetTable>> offset_tables(std::span<const std::uint8_t> moov) {
    auto root = root_box(moov);
    if (!root) {
        return failure("not a usable moov: " + root.message());
    }
    std::vector<OffsetTable> tables;
    if (auto collected = collect_tables(moov, root->header, root->size, 0, tables); !collected) {
        return failure("not a usable moov: " + collected.message());
    }
    return tables;
}

// Writes a box header of `header` bytes (8 or 16) at `at` for a box of `size` bytes.
Status put_header(std::vector<std::uint8_t>& out, std::uint64_t at, std::uint64_t header,
                  std::uint32_t type, std::uint64_t size) {
    std::uint8_t* bytes = out.data() + at;
    if (header == k_large_header_bytes) {
        write_be32(bytes, 1);
        write_be32(bytes + 4, type);
        write_be64(bytes + 8, size);
        return success();
    }
    if (size > std::numeric_limits<std::uint32_t>::max()) {
        return failure("box " + type_text(type) + " would grow past 4 GiB");
    }
    write_be32(bytes, static_cast<std::uint32_t>(size));
    write_be32(bytes + 4, type);
    return success();
}

// Appends the boxes of [begin, end) of `in`, `depth` levels below moov, to
// `out` with every stco rewritten as co64.
Status widen_boxes(std::span<const std::uint8_t> in, std::uint64_t begin, std::uint64_t end,
                   std::size_t depth, std::vector<std::uint8_t>& out) {
    auto boxes = child_boxes(in, begin, end);
    if (!boxes) {
        return boxes.error();
    }
    for (const Box& box : *boxes) {
        const std::uint64_t at = out.size();
        if (depth < k_containers.size() && box.type == k_containers[depth]) {
            out.resize(at + box.header);
            if (auto widened =
                    widen_boxes(in, box.start + box.header, box.start + box.size, depth + 1, out);
                !widened) {
                return widened;
            }
            if (auto put = put_header(out, at, box.header, box.type, out.size() - at); !put) {
                return put;
            }
        } else if (depth == k_containers.size() && box.type == k_stco) {
            auto table = parse_table(in, box);
            if (!table) {
                return table.error();
            }
            const std::uint64_t body = k_table_preamble_bytes + std::uint64_t{8} * table->count;
            const std::uint64_t header =
                body + k_header_bytes > std::numeric_limits<std::uint32_t>::max()
                    ? k_large_header_bytes
                    : k_header_bytes;
            out.resize(at + header + body);
            if (auto put = put_header(out, at, header, k_co64, header + body); !put) {
                return put;
            }
            std::uint8_t* entries = out.data() + at + header;
            std::memcpy(entries, in.data() + table->entries - k_table_preamble_bytes,
                        k_table_preamble_bytes);
            entries += k_table_preamble_bytes;
            for (std::uint32_t i = 0; i < table->count; ++i) {
                write_be64(entries + std::uint64_t{8} * i,
                           read_be32(in.data() + table->entries + std::uint64_t{4} * i));
            }
        } else {
            out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(box.start),
                       in.begin() + static_cast<std::ptrdiff_t>(box.start + box.size));
        }
    }
    return success();
}

std::uint64_t align_up(std::uint64_t value, std::uint64_t block) {
    return (value + block - 1) / block * block;
}

// The moov to put in front of the media: its chunk offsets moved by `shift`,
// how far the media moves, which `shift_for` computes from the moov's size.
// 32-bit tables are widened first when an offset would outgrow them.
struct FrontMoov {
    std::vector<std::uint8_t> moov;
    std::uint64_t shift = 0;
};

Result<FrontMoov> front_moov(std::vector<std::uint8_t> moov,
                             const std::function<std::uint64_t(std::uint64_t)>& shift_for) {
    auto largest = largest_stco_offset(moov);
    if (!largest) {
        return largest.error();
    }
    FrontMoov front{std::move(moov), 0};
    front.shift = shift_for(front.moov.size());
    if (*largest + front.shift > std::numeric_limits<std::uint32_t>::max()) {
        auto widened = widen_chunk_offsets(front.moov);
        if (!widened) {
            return widened.error();
        }
        front.moov = std::move(*widened);
        front.shift = shift_for(front.moov.size());
    }
    if (auto shifted = shift_chunk_offsets(front.moov, front.shift); !shifted) {
        return shifted.error();
    }
    return front;
}

// Owns a file descriptor.
class Descriptor {
  public:
    explicit Descriptor(int fd) : m_fd(fd) {}
    ~Descriptor() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const { return m_fd; }
    // Closes it now; false (errno set) when close reports an error.
    bool close() {
        const int rc = ::close(m_fd);
        m_fd = -1;
        return rc == 0;
    }

  private:
    int m_fd;
};

// Removes a file on destruction unless kept.
class RemoveUnlessKept {
  public:
    explicit RemoveUnlessKept(std::string path) : m_path(std::move(path)) {}
    ~RemoveUnlessKept() {
        if (!m_kept) {
            ::unlink(m_path.c_str());
        }
    }
    RemoveUnlessKept(const RemoveUnlessKept&) = delete;
    RemoveUnlessKept& operator=(const RemoveUnlessKept&) = delete;
    void keep() { m_kept = true; }

  private:
    std::string m_path;
    bool m_kept = false;
};

Status read_at(int fd, std::uint8_t* bytes, std::uint64_t size, std::uint64_t offset,
               const std::string& path) {
    for (std::uint64_t done = 0; done < size;) {
        const ssize_t n = ::pread(fd, bytes + done, size - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return failure(errno_text("read", path));
        }
        if (n == 0) {
            return failure("cannot read " + path + ": it ends at " + std::to_string(offset + done) +
                           ", before the " + std::to_string(size) + " bytes at " +
                           std::to_string(offset));
        }
        done += static_cast<std::uint64_t>(n);
    }
    return success();
}

Status write_at(int fd, const std::uint8_t* bytes, std::uint64_t size, std::uint64_t offset,
                const std::string& path) {
    for (std::uint64_t done = 0; done < size;) {
        const ssize_t n =
            ::pwrite(fd, bytes + done, size - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return failure(errno_text("write", path));
        }
        done += static_cast<std::uint64_t>(n);
    }
    return success();
}

// Where the parts of a faststart move are in the original file.
struct Layout {
    std::vector<std::uint8_t> ftyp;
    std::vector<std::uint8_t> moov;
    std::uint64_t moov_offset = 0; // the media is [ftyp size, moov_offset)
};

// Reads the top-level box headers and the ftyp and moov boxes, which must be
// the first and the last box.
Result<Layout> read_layout(int fd, std::uint64_t file_size, const std::string& path) {
    std::vector<Box> boxes;
    for (std::uint64_t at = 0; at < file_size;) {
        std::array<std::uint8_t, k_large_header_bytes> header{};
        const std::uint64_t length = std::min<std::uint64_t>(header.size(), file_size - at);
        if (auto read = read_at(fd, header.data(), length, at, path); !read) {
            return read.error();
        }
        auto box = parse_box(std::span(header.data(), length), at, file_size - at);
        if (!box) {
            return failure(path + " is not a well-formed MP4: " + box.message());
        }
        at += box->size;
        boxes.push_back(*box);
    }
    if (boxes.empty() || boxes.front().type != k_ftyp) {
        return failure(path + " does not start with an ftyp box");
    }
    if (boxes.size() < 2 || boxes.back().type != k_moov) {
        return failure(path + " does not end with its moov box");
    }
    const Box& ftyp = boxes.front();
    const Box& moov = boxes.back();
    if (ftyp.size > k_max_ftyp_bytes || moov.size > k_max_moov_bytes) {
        return failure(path + " has an ftyp of " + std::to_string(ftyp.size) +
                       " bytes and a moov of " + std::to_string(moov.size) +
                       " bytes, more than a muxer writes");
    }
    Layout layout;
    layout.moov_offset = moov.start;
    layout.ftyp.resize(ftyp.size);
    layout.moov.resize(moov.size);
    if (auto read = read_at(fd, layout.ftyp.data(), ftyp.size, 0, path); !read) {
        return read.error();
    }
    if (auto read = read_at(fd, layout.moov.data(), moov.size, moov.start, path); !read) {
        return read.error();
    }
    if (read_be32(layout.moov.data()) == 0) {
        // It ran to the end of the file; in front it must say how far it goes.
        write_be32(layout.moov.data(), static_cast<std::uint32_t>(moov.size));
    }
    return layout;
}

// What became of the attempt to insert room at the start of the file.
struct Insertion {
    bool done = false;
    std::string refusal; // why the file system would not insert, when not done
};

// [ftyp][moov][free] into block-aligned room inserted at the start; the old
// ftyp becomes a free box and the old moov is cut off.
Result<Insertion> move_by_inserting(int fd, const Layout& layout, std::uint64_t block,
                                    const std::string& path) {
    const std::uint64_t ftyp_bytes = layout.ftyp.size();
    // The whole file moves by the room inserted in front of it.
    auto front = front_moov(layout.moov, [&](std::uint64_t moov_bytes) {
        return align_up(ftyp_bytes + moov_bytes + k_header_bytes, block);
    });
    if (!front) {
        return failure("cannot move the moov of " + path + ": " + front.message());
    }
    const std::uint64_t room = front->shift;
    if (::fallocate(fd, FALLOC_FL_INSERT_RANGE, 0, static_cast<off_t>(room)) != 0) {
        if (errno == EOPNOTSUPP || errno == EINVAL) {
            return Insertion{false, std::strerror(errno)};
        }
        return failure(errno_text("insert room at the start of", path));
    }
    std::vector<std::uint8_t> head(room, 0);
    std::memcpy(head.data(), layout.ftyp.data(), ftyp_bytes);
    std::memcpy(head.data() + ftyp_bytes, front->moov.data(), front->moov.size());
    const std::uint64_t free_at = ftyp_bytes + front->moov.size();
    write_be32(head.data() + free_at, static_cast<std::uint32_t>(room - free_at));
    write_be32(head.data() + free_at + 4, k_free);
    std::array<std::uint8_t, 4> free_type{};
    write_be32(free_type.data(), k_free);
    if (auto written = write_at(fd, head.data(), head.size(), 0, path); !written) {
        return written.error();
    }
    if (auto written = write_at(fd, free_type.data(), free_type.size(), room + 4, path); !written) {
        return written.error();
    }
    if (::ftruncate(fd, static_cast<off_t>(room + layout.moov_offset)) != 0) {
        return failure(errno_text("cut the old moov off", path));
    }
    if (::fsync(fd) != 0) {
        return failure(errno_text("flush to disk", path));
    }
    return Insertion{true, {}};
}

// [ftyp][moov][the media] into a new file beside `path`, renamed over it.
Status move_by_copying(int fd, const Layout& layout, const std::string& path) {
    const std::uint64_t ftyp_bytes = layout.ftyp.size();
    // The media moves by the moov's size: it now follows the ftyp and the moov.
    auto front = front_moov(layout.moov, [](std::uint64_t moov_bytes) { return moov_bytes; });
    if (!front) {
        return failure("cannot move the moov of " + path + ": " + front.message());
    }
    const std::string copy_path = temporary_path_for(path);
    Descriptor copy(::open(copy_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (copy.get() < 0) {
        return failure(errno_text("create", copy_path));
    }
    RemoveUnlessKept removal(copy_path);
    if (auto written = write_at(copy.get(), layout.ftyp.data(), ftyp_bytes, 0, copy_path);
        !written) {
        return written;
    }
    if (auto written =
            write_at(copy.get(), front->moov.data(), front->moov.size(), ftyp_bytes, copy_path);
        !written) {
        return written;
    }
    auto from = static_cast<off_t>(ftyp_bytes);
    auto to = static_cast<off_t>(ftyp_bytes + front->moov.size());
    while (static_cast<std::uint64_t>(from) < layout.moov_offset) {
        const auto step = static_cast<std::size_t>(std::min<std::uint64_t>(
            k_copy_step_bytes, layout.moov_offset - static_cast<std::uint64_t>(from)));
        const ssize_t n = ::copy_file_range(fd, &from, copy.get(), &to, step, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return failure(errno_text("copy the media of " + path + " into", copy_path));
        }
        if (n == 0) {
            return failure("cannot copy the media of " + path + ": it ends at " +
                           std::to_string(from));
        }
    }
    if (::fsync(copy.get()) != 0) {
        return failure(errno_text("flush to disk", copy_path));
    }
    if (!copy.close()) {
        return failure(errno_text("close", copy_path));
    }
    if (::rename(copy_path.c_str(), path.c_str()) != 0) {
        return failure(errno_text("rename " + copy_path + " to", path));
    }
    removal.keep();
    return success();
}

} // namespace

Status shift_chunk_offsets(std::span<std::uint8_t> moov, std::uint64_t delta) {
    auto tables = offset_tables(moov);
    if (!tables) {
        return tables.error();
    }
    for (const OffsetTable& table : *tables) {
        const std::uint64_t limit = table.wide ? std::numeric_limits<std::uint64_t>::max()
                                               : std::numeric_limits<std::uint32_t>::max();
        for (std::uint32_t i = 0; i < table.count; ++i) {
            const std::uint64_t offset =
                table.wide ? read_be64(moov.data() + table.entries + std::uint64_t{8} * i)
                           : read_be32(moov.data() + table.entries + std::uint64_t{4} * i);
            if (delta > limit || offset > limit - delta) {
                return failure("chunk offset " + std::to_string(offset) + " moved by " +
                               std::to_string(delta) + " does not fit a " +
                               (table.wide ? "64" : "32") + "-bit " +
                               (table.wide ? "co64" : "stco") + " entry");
            }
        }
    }
    for (const OffsetTable& table : *tables) {
        for (std::uint32_t i = 0; i < table.count; ++i) {
            if (table.wide) {
                std::uint8_t* entry = moov.data() + table.entries + std::uint64_t{8} * i;
                write_be64(entry, read_be64(entry) + delta);
            } else {
                std::uint8_t* entry = moov.data() + table.entries + std::uint64_t{4} * i;
                write_be32(entry, static_cast<std::uint32_t>(read_be32(entry) + delta));
            }
        }
    }
    return success();
}

Result<std::uint64_t> largest_stco_offset(std::span<const std::uint8_t> moov) {
    auto tables = offset_tables(moov);
    if (!tables) {
        return tables.error();
    }
    std::uint64_t largest = 0;
    for (const OffsetTable& table : *tables) {
        for (std::uint32_t i = 0; !table.wide && i < table.count; ++i) {
            largest = std::max<std::uint64_t>(
                largest, read_be32(moov.data() + table.entries + std::uint64_t{4} * i));
        }
    }
    return largest;
}

Result<std::vector<std::uint8_t>> widen_chunk_offsets(std::span<const std::uint8_t> moov) {
    auto root = root_box(moov);
    if (!root) {
        return failure("not a usable moov: " + root.message());
    }
    std::vector<std::uint8_t> out(root->header);
    out.reserve(moov.size());
    if (auto widened = widen_boxes(moov, root->header, root->size, 0, out); !widened) {
        return failure("not a usable moov: " + widened.message());
    }
    if (auto put = put_header(out, 0, root->header, k_moov, out.size()); !put) {
        return failure("cannot widen the moov's chunk offsets: " + put.message());
    }
    return out;
}

Status move_moov_to_front(const std::string& path) {
    Descriptor file(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (file.get() < 0) {
        return failure(errno_text("open", path));
    }
    struct stat info;
    if (::fstat(file.get(), &info) != 0) {
        return failure(errno_text("inspect", path));
    }
    auto layout = read_layout(file.get(), static_cast<std::uint64_t>(info.st_size), path);
    if (!layout) {
        return layout.error();
    }
    const std::uint64_t block =
        info.st_blksize > 0 ? static_cast<std::uint64_t>(info.st_blksize) : 1;
    auto inserted = move_by_inserting(file.get(), *layout, block, path);
    if (!inserted) {
        return inserted.error();
    }
    if (inserted->done) {
        if (!file.close()) {
            return failure(errno_text("close", path));
        }
        log::debug("moov moved to the front by inserting room", {{"path", path}});
        return success();
    }
    if (auto copied = move_by_copying(file.get(), *layout, path); !copied) {
        return copied;
    }
    log::debug(
        "moov moved to the front by copying the file",
        {{"path", path}, {"reason", "the file system cannot insert room: " + inserted->refusal}});
    return success();
}

} // namespace ov2ha::media
